/** Employee work time: accounts and who may use them, clock in/out and corrections, worked time and overtime. */
export * from './access.js';
export * from './calendar.js';
export * from './entries.js';
export * from './report.js';
