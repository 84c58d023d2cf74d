/**
 * DASHBOARD DATA ACCESS NOT (YET) OFFERED BY THE BUSINESS SERVICES.
 *
 * Everything else the dashboard reads or writes goes through the owning app's services. The few queries
 * those services do not offer yet live here and only here, so each can be swapped for a service call in
 * one place. No permission decision is made in this file: callers check roles with the permission service.
 */
import type { Tx } from '../core/db/transaction.js';
import { InvalidInput } from '../nadooit_hr/errors.js';
import { MANAGER_ROLES } from '../nadooit_hr/roles.js';
import type { ManagerRole } from '../nadooit_hr/roles.js';
import { isUuid } from '../nadooit_hr/services/contracts.js';
import '../nadooit_hr/models.js';
import '../nadooit_api_key/models.js';
import type { LedgerEntry } from '../nadooit_time_account/ledger.js';
import '../nadooit_time_account/models.js';
import '../nadooit_api_executions_system/models.js';

/** The customer time account (label) with this id, or undefined. Wanted from nadooit_time_account/services. */
export async function customerTimeAccountLabel(db: Tx, id: string): Promise<{ id: string; customerId: string; timeAccountId: string } | undefined> {
  if (!isUuid(id)) return undefined;
  return db
    .selectFrom('ta_customer_time_accounts')
    .select(['id', 'customer_id as customerId', 'time_account_id as timeAccountId'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Sets (or clears with null) an account's low-balance warning threshold. Wanted from nadooit_time_account/services. */
export async function setLowBalanceThreshold(db: Tx, timeAccountId: string, seconds: number | null): Promise<void> {
  if (seconds !== null && (!Number.isSafeInteger(seconds) || seconds < 0)) throw new InvalidInput('Die Warnschwelle muss eine Zahl ≥ 0 sein.');
  await db
    .updateTable('ta_time_accounts')
    .set({ low_balance_threshold_seconds: seconds, updated_at: new Date().toISOString() })
    .where('id', '=', timeAccountId)
    .execute();
}

/** Billable seconds a customer program has used so far (its tier position). Wanted from nadooit_api_executions_system. */
export async function billableSecondsOf(db: Tx, customerProgramId: string): Promise<number> {
  const row = await db
    .selectFrom('ex_customer_program_counters')
    .select('billable_seconds')
    .where('customer_program_id', '=', customerProgramId)
    .executeTakeFirst();
  return Number(row?.billable_seconds ?? 0);
}

export interface RoleHolder {
  employeeId: string;
  userId: string;
  userCode: string;
  displayName: string;
  contractActive: boolean;
  abilities: string[];
}

/** Who holds `role` for a customer (any contract state), by name. Wanted from nadooit_hr/services. */
export async function roleHolders(db: Tx, customerId: string, role: ManagerRole): Promise<RoleHolder[]> {
  const table = MANAGER_ROLES[role].table as 'hr_customer_manager_contracts';
  const rows = await db
    .selectFrom(`${table} as r` as 'hr_customer_manager_contracts as r')
    .innerJoin('hr_employee_contracts as c', 'c.id', 'r.contract_id')
    .innerJoin('hr_employees as e', 'e.id', 'c.employee_id')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .where('c.customer_id', '=', customerId)
    .selectAll('r')
    .select(['e.id as employee_id', 'u.id as user_id', 'u.user_code', 'u.display_name', 'c.is_active'])
    .execute();
  return rows
    .map((row) => {
      const record = row as unknown as Record<string, unknown>;
      return {
        employeeId: row.employee_id,
        userId: row.user_id,
        userCode: row.user_code,
        displayName: row.display_name,
        contractActive: row.is_active,
        abilities: MANAGER_ROLES[role].abilities.filter((a) => record[a] === true),
      };
    })
    .sort((a, b) => a.displayName.localeCompare(b.displayName, 'de'));
}

/** The API-key managers responsible for a customer, by name. Wanted from nadooit_api_key/services. */
export async function apiKeyManagersOfCustomer(db: Tx, customerId: string): Promise<RoleHolder[]> {
  const rows = await db
    .selectFrom('api_key_manager_customers as mc')
    .innerJoin('api_key_managers as m', 'm.id', 'mc.manager_id')
    .innerJoin('hr_employees as e', 'e.id', 'm.employee_id')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .where('mc.customer_id', '=', customerId)
    .select(['e.id as employee_id', 'u.id as user_id', 'u.user_code', 'u.display_name', 'm.can_create_api_key', 'm.can_delete_api_key', 'm.can_give_manager_role'])
    .execute();
  return rows
    .map((row) => ({
      employeeId: row.employee_id,
      userId: row.user_id,
      userCode: row.user_code,
      displayName: row.display_name,
      contractActive: true,
      abilities: (['can_create_api_key', 'can_delete_api_key', 'can_give_manager_role'] as const).filter((a) => row[a]),
    }))
    .sort((a, b) => a.displayName.localeCompare(b.displayName, 'de'));
}

/**
 * One page of an account's ledger, newest first, keyset-paginated on (created_at, id) so entries written in
 * the same millisecond are neither skipped nor repeated. Wanted from nadooit_time_account/ledger.ts, whose
 * ledgerEntries pages on created_at alone.
 */
export async function ledgerPage(
  db: Tx,
  timeAccountId: string,
  page: { limit: number; after?: { createdAt: string; id: string } | null },
): Promise<{ entries: LedgerEntry[]; next: { createdAt: string; id: string } | null }> {
  let query = db
    .selectFrom('ta_ledger_entries')
    .selectAll()
    .where('time_account_id', '=', timeAccountId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  const after = page.after;
  if (after) {
    query = query.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
  }
  const rows = await query.execute();
  const entries = rows.slice(0, page.limit);
  const last = entries[entries.length - 1];
  return { entries, next: rows.length > page.limit && last ? { createdAt: last.created_at, id: last.id } : null };
}
