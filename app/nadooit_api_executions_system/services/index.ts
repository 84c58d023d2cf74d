/**
 * The executions services in one import, for the dashboard, the admin and the REST API: book, list and sum,
 * export as CSV, change payment status, refund or revoke.
 */
export * from './booking.js';
export * from './payment.js';
export * from './queries.js';
export * from './csv.js';
export * from './responses.js';
export { cancels, isOpen } from '../payment-status.js';
export { PAYMENT_TRANSITIONS, canTransition, cancellationOf, paymentMachine } from './payment-machine.js';
export { PAYMENT_STATUSES } from '../models.js';
export type { PaymentStatus } from '../models.js';
export { formatDecimal, parseDecimal } from '../money.js';
export { billableSecondsOf, quote, setProgramTiers, tierFor, tiersOf } from '../pricing.js';
export type { PriceQuote, Tier } from '../pricing.js';
export * from './complaint-flag.js';
