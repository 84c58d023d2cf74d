import { randomUUID } from 'node:crypto';
import type { Tx } from '../../core/db/transaction.js';
import { transaction } from '../../core/db/transaction.js';
import type { PaymentStatus } from '../models.js';
import type { Execution } from '../services/booking.js';

export interface BulkTarget {
  customerId: string;
  customerProgramId: string;
  programId: string | null;
}

/**
 * Inserts `count` synthetic bookings spread evenly over [from, to) — for list/sum tests and benchmark
 * fixtures, not a booking path (no ledger, no counters). Multi-row INSERTs in transactions of `batch` rows.
 */
export async function insertSyntheticExecutions(
  db: Tx,
  target: BulkTarget,
  input: { count: number; from: Date; to: Date; statuses?: PaymentStatus[]; batch?: number; onProgress?: (done: number) => void },
): Promise<void> {
  const statuses = input.statuses ?? ['NOT_PAID', 'PAID', 'PAID', 'PAID', 'REVOKED'];
  const span = input.to.getTime() - input.from.getTime();
  const batch = input.batch ?? 500;
  for (let start = 0; start < input.count; start += batch) {
    const rows: Execution[] = [];
    for (let i = start; i < Math.min(input.count, start + batch); i++) {
      const at = new Date(input.from.getTime() + Math.floor((span * i) / input.count)).toISOString();
      const seconds = 60 + (i % 11) * 30;
      const covered = i % 3 === 0 ? seconds : 0;
      const status = covered === seconds ? 'PAID' : statuses[i % statuses.length]!;
      rows.push({
        id: randomUUID(),
        customer_program_id: target.customerProgramId,
        customer_id: target.customerId,
        program_id: target.programId,
        time_account_id: null,
        user_id: null,
        api_key_id: null,
        time_saved_seconds: seconds,
        covered_seconds: covered,
        billable_seconds: seconds - covered,
        pricing_mode: 'fixed',
        price_per_second: 10_000,
        tier_price_per_hour: null,
        price: (seconds - covered) * 10_000,
        currency: 'EUR',
        payment_status: status,
        balance_after_seconds: null,
        in_complaint: false,
        idempotency_key: null,
        idempotency_fingerprint: null,
        created_at: at,
        updated_at: at,
      });
    }
    // SQLite allows at most 32766 bound parameters per statement; 23 columns × 500 rows stays below.
    await transaction(db, async (tx) => {
      for (let i = 0; i < rows.length; i += 500) await tx.insertInto('ex_executions').values(rows.slice(i, i + 500)).execute();
    });
    input.onProgress?.(Math.min(input.count, start + batch));
  }
}
