import type { Tx } from '../../core/db/transaction.js';

/**
 * Marks a booking as under complaint (or clears the mark). Setting is conditional — it fails (false) when
 * the booking is already under complaint or cancelled — so two complaints can never be open at once.
 */
export async function setInComplaint(db: Tx, executionId: string, inComplaint: boolean): Promise<boolean> {
  let query = db
    .updateTable('ex_executions')
    .set({ in_complaint: inComplaint, updated_at: new Date().toISOString() })
    .where('id', '=', executionId)
    .where('in_complaint', '=', !inComplaint);
  if (inComplaint) query = query.where('payment_status', 'in', ['NOT_PAID', 'PAID']);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
