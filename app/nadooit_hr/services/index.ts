/** The HR services in one import: employees, contracts, role grants and revocations. */
export * from './employees.js';
export * from './contracts.js';
export * from './grants.js';
export * from './onboarding.js';
export * from './holders.js';
