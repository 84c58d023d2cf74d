import { LegacyValueError, legacyBool, legacyInteger, legacyOptionalDate, legacyOptionalText, legacyText, legacyUuid, timestampsOf } from '../core/legacy/values.js';
import { requireKnown, tableImport } from '../core/legacy/step.js';
import type { LegacyAppImport, LegacyImportContext } from '../core/legacy/step.js';
import { balanceOf, correct, recordOpeningBalances } from './ledger.js';

const TIME = /^\d{2}:\d{2}(:\d{2})?$/;

function legacyBalances(context: LegacyImportContext): Map<string, number> {
  let map = context.shared.get('time_account.balances') as Map<string, number> | undefined;
  if (!map) context.shared.set('time_account.balances', (map = new Map()));
  return map;
}

/**
 * The original kept only a balance. A new account gets it as an `opening` ledger entry; when a later import
 * finds the original's balance moved on (bookings made there before the switch-over), a `correction` entry
 * with that difference keeps balance = Σ entries.
 */
async function alignBalances(context: LegacyImportContext): Promise<void> {
  await recordOpeningBalances(context.tx);
  for (const [id, legacy] of legacyBalances(context)) {
    const difference = legacy - (await balanceOf(context.tx, id));
    if (difference === 0) continue;
    await correct(context.tx, { timeAccountId: id, seconds: difference, reason: 'Abgleich mit dem Kontostand im Original (erneuter Import)', authorUserId: null });
    context.report.outcome('ta_ledger_entries').created++;
  }
}

/** Time accounts with their balances, customer and employee time accounts, and clock-in/out entries. */
export const timeAccountLegacyImport: LegacyAppImport = {
  app: 'nadooit_time_account',
  steps: [
    tableImport({
      legacyTable: 'nadooit_time_account_timeaccount',
      target: 'ta_time_accounts',
      map(row, context) {
        const id = legacyUuid(row.id);
        const balance = row.time_balance_in_seconds === null ? 0 : legacyInteger(row.time_balance_in_seconds, 'time_balance_in_seconds');
        if (balance < 0) throw new LegacyValueError(`time_balance_in_seconds is negative (${balance}); a prepaid account cannot be below 0`);
        legacyBalances(context).set(id, balance);
        return {
          id,
          name: legacyOptionalText(row.name, 'name'),
          balance_seconds: balance,
          is_active: legacyBool(row.is_active, 'is_active'),
          low_balance_threshold_seconds: null,
          // The original stored no times for accounts.
          created_at: context.now,
          updated_at: context.now,
        };
      },
      // The balance only ever moves through ledger entries (alignBalances); settings made here are kept.
      insertOnly: ['balance_seconds', 'low_balance_threshold_seconds', 'created_at', 'updated_at'],
      after: alignBalances,
    }),
    tableImport({
      legacyTable: 'nadooit_time_account_customertimeaccount',
      target: 'ta_customer_time_accounts',
      map(row, context) {
        const customerId = legacyUuid(row.customer_id, 'customer_id');
        const timeAccountId = legacyUuid(row.time_account_id, 'time_account_id');
        requireKnown(context, 'crm_customers', customerId, 'customer');
        requireKnown(context, 'ta_time_accounts', timeAccountId, 'time account');
        return {
          id: legacyUuid(row.id),
          customer_id: customerId,
          time_account_id: timeAccountId,
          name: legacyText(row.name, 'name'),
          ...timestampsOf(row),
        };
      },
    }),
    tableImport({
      legacyTable: 'nadooit_time_account_employeetimeaccount',
      target: 'ta_employee_time_accounts',
      map(row, context) {
        const ids = {
          customer_id: legacyUuid(row.customer_id, 'customer_id'),
          employee_id: legacyUuid(row.employee_id, 'employee_id'),
          time_account_id: legacyUuid(row.time_account_id, 'time_account_id'),
        };
        requireKnown(context, 'crm_customers', ids.customer_id, 'customer');
        requireKnown(context, 'hr_employees', ids.employee_id, 'employee');
        requireKnown(context, 'ta_time_accounts', ids.time_account_id, 'time account');
        return { id: legacyUuid(row.id), ...ids, ...timestampsOf(row) };
      },
    }),
    tableImport({
      legacyTable: 'nadooit_time_account_worktimeaccountentry',
      target: 'ta_work_time_account_entries',
      map(row, context) {
        const accountId = legacyUuid(row.employee_time_account_id, 'employee_time_account_id');
        requireKnown(context, 'ta_employee_time_accounts', accountId, 'employee time account');
        const type = legacyText(row.entry_trype, 'entry_trype').trim().toUpperCase();
        if (type !== 'IN' && type !== 'OUT') throw new LegacyValueError(`entry type is neither IN nor OUT: ${JSON.stringify(row.entry_trype)}`);
        const time = legacyOptionalText(row.work_time, 'work_time');
        if (time !== null && !TIME.test(time)) throw new LegacyValueError(`work_time is not a time of day: ${JSON.stringify(time)}`);
        return {
          id: legacyUuid(row.id),
          employee_time_account_id: accountId,
          work_time: time,
          work_date: legacyOptionalDate(row.work_date, 'work_date'),
          entry_type: type,
          ...timestampsOf(row),
        };
      },
    }),
  ],
};
