export * from './members.js';
export * from './inventory.js';
export * from './money.js';
export * from './shares.js';
export * from './friends.js';
export * from './groups.js';
export * from './guilds.js';
