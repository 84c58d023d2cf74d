/** The API-key services in one import: keys (create, verify, revoke, list) and their managers. */
export * from './keys.js';
export * from './managers.js';
