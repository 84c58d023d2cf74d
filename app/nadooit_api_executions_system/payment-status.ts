import type { PaymentStatus } from './models.js';

/**
 * The allowed payment-status changes (the original allowed any change, legacy-core §4.3):
 *
 *   NOT_PAID ──paid──▶ PAID ──refund──▶ REFUNDED
 *       │
 *       └──revoke──▶ REVOKED
 *
 * A booking with nothing to pay (fully covered by prepaid time, or a zero price) is created PAID, so it
 * never shows up as open. REVOKED (cancelled before payment) and REFUNDED (cancelled after payment) are
 * final; both credit back exactly the seconds that were drawn from the prepaid account.
 */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  NOT_PAID: ['PAID', 'REVOKED'],
  PAID: ['REFUNDED'],
  REFUNDED: [],
  REVOKED: [],
};

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return PAYMENT_TRANSITIONS[from].includes(to);
}

/** Statuses that cancel a booking: its drawn seconds go back and it no longer counts for the tier. */
export function cancels(status: PaymentStatus): boolean {
  return status === 'REVOKED' || status === 'REFUNDED';
}

/** What cancelling a booking in `status` leads to: REVOKED before payment, REFUNDED after. */
export function cancellationOf(status: PaymentStatus): PaymentStatus | null {
  if (status === 'NOT_PAID') return 'REVOKED';
  if (status === 'PAID') return 'REFUNDED';
  return null;
}

/** Open = still to be paid: NOT_PAID with a price above zero (imported zero-price rows are not open). */
export function isOpen(row: { payment_status: PaymentStatus; price: number }): boolean {
  return row.payment_status === 'NOT_PAID' && row.price > 0;
}
