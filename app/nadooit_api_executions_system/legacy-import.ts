import { sql } from 'kysely';
import { LegacyValueError, legacyInteger, legacyMicros, legacyOptionalUuid, legacyText, legacyTimestamp, legacyUuid, timestampsOf } from '../core/legacy/values.js';
import { tableImport } from '../core/legacy/step.js';
import type { LegacyAppImport, LegacyImportContext } from '../core/legacy/step.js';
import { importedCustomerPrograms } from '../nadooit_program_ownership_system/legacy-import.js';
import { PAYMENT_STATUSES } from './models.js';
import type { PaymentStatus } from './models.js';

/**
 * Seconds that were priced: the original stored only the price and the price per second, so the billable
 * part is price ÷ price per second (rounded: its tiered prices per second were rounded to 6 places), and the
 * rest was covered by prepaid time.
 */
export function billableSecondsFromPrice(timeSaved: number, price: number, pricePerSecond: number): number {
  if (price <= 0) return 0;
  if (pricePerSecond <= 0) return timeSaved;
  return Math.min(timeSaved, Math.round(price / pricePerSecond));
}

const LEGACY_COMPLAINTS = 'nadoo_complaint_management_complaint';

/** Bookings with an open complaint in the original (read once from the source). */
async function underComplaint(context: LegacyImportContext): Promise<Set<string>> {
  const cached = context.shared.get('executions.underComplaint') as Set<string> | undefined;
  if (cached) return cached;
  const ids = new Set<string>();
  for await (const row of context.source.rows(LEGACY_COMPLAINTS)) {
    if ((row.status === 'OPEN' || row.status === 'IN_PROGRESS') && row.customer_program_execution_id) {
      ids.add(legacyUuid(row.customer_program_execution_id, 'customer_program_execution_id'));
    }
  }
  context.shared.set('executions.underComplaint', ids);
  return ids;
}

/** The running per-program counters the tier prices are based on, rebuilt from the imported bookings. */
async function rebuildCounters(context: LegacyImportContext): Promise<void> {
  const ids = [...importedCustomerPrograms(context).keys()];
  const now = context.now;
  for (const id of ids) {
    const totals = await context.tx
      .selectFrom('ex_executions')
      .select([sql<number>`coalesce(sum(billable_seconds), 0)`.as('billable'), sql<number>`count(*)`.as('executions')])
      .where('customer_program_id', '=', id)
      .where('payment_status', 'not in', ['REVOKED', 'REFUNDED'])
      .executeTakeFirstOrThrow();
    const values = { billable_seconds: Number(totals.billable), executions: Number(totals.executions) };
    const before = await context.tx.selectFrom('ex_customer_program_counters').selectAll().where('customer_program_id', '=', id).executeTakeFirst();
    if (before && Number(before.billable_seconds) === values.billable_seconds && Number(before.executions) === values.executions) continue;
    await context.tx
      .insertInto('ex_customer_program_counters')
      .values({ customer_program_id: id, ...values, updated_at: now })
      .onConflict((oc) => oc.column('customer_program_id').doUpdateSet({ ...values, updated_at: now }))
      .execute();
  }
}

/**
 * Bookings keep their ids, seconds, prices (exactly) and payment statuses. Their effect on the prepaid
 * account is already in the imported balance, so they write no ledger entries.
 */
export const executionsLegacyImport: LegacyAppImport = {
  app: 'nadooit_api_executions_system',
  steps: [
    tableImport({
      legacyTable: 'nadooit_api_executions_system_customerprogramexecution',
      target: 'ex_executions',
      async map(row, context) {
        const id = legacyUuid(row.id);
        const customerProgramId = legacyOptionalUuid(row.customer_program_id, 'customer_program_id');
        const program = customerProgramId ? importedCustomerPrograms(context).get(customerProgramId) : undefined;
        if (customerProgramId && !program) throw new LegacyValueError(`customer program ${customerProgramId} was not imported`);
        const status = legacyText(row.payment_status, 'payment_status') as PaymentStatus;
        if (!PAYMENT_STATUSES.includes(status)) throw new LegacyValueError(`unknown payment status ${JSON.stringify(status)}`);
        const timeSaved = legacyInteger(row.program_time_saved_in_seconds, 'program_time_saved_in_seconds');
        if (timeSaved < 0) throw new LegacyValueError(`negative seconds saved (${timeSaved})`);
        const price = legacyMicros(row.price_for_execution, 'price_for_execution');
        const pricePerSecond = legacyMicros(row.price_per_second_at_the_time_of_execution, 'price_per_second_at_the_time_of_execution');
        const billable = billableSecondsFromPrice(timeSaved, price, pricePerSecond);
        return {
          id,
          customer_program_id: customerProgramId,
          customer_id: program?.customer_id ?? null,
          program_id: program?.program_id ?? null,
          time_account_id: program?.time_account_id ?? null,
          user_id: null,
          api_key_id: null,
          time_saved_seconds: timeSaved,
          covered_seconds: timeSaved - billable,
          billable_seconds: billable,
          pricing_mode: program?.pricing_mode ?? 'fixed',
          price_per_second: pricePerSecond,
          tier_price_per_hour: null,
          price,
          currency: legacyText(row.price_for_execution_currency, 'price_for_execution_currency').trim().toUpperCase() || 'EUR',
          payment_status: status,
          balance_after_seconds: null,
          // Only a booking that still counts can be under complaint (as setInComplaint enforces).
          in_complaint: (status === 'NOT_PAID' || status === 'PAID') && (await underComplaint(context)).has(id),
          idempotency_key: null,
          idempotency_fingerprint: null,
          ...timestampsOf(row),
        };
      },
      after: rebuildCounters,
    }),
  ],
};
