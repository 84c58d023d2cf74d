import type { PaymentStatus } from './models.js';

/** The transitions themselves are the payment machine's (services/payment-machine.ts). */

/** Statuses that cancel a booking: its drawn seconds go back and it no longer counts for the tier. */
export function cancels(status: PaymentStatus): boolean {
  return status === 'REVOKED' || status === 'REFUNDED';
}

/** Open = still to be paid: NOT_PAID with a price above zero (imported zero-price rows are not open). */
export function isOpen(row: { payment_status: PaymentStatus; price: number }): boolean {
  return row.payment_status === 'NOT_PAID' && row.price > 0;
}
