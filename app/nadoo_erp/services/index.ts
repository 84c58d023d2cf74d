export * from './access.js';
export * from './fields.js';
export * from './items.js';
export * from './stock.js';
export * from './csv.js';
export * from './alerts.js';
