import type { Tx } from '../../core/db/transaction.js';
import { MANAGER_ROLES } from '../roles.js';
import type { ManagerRole } from '../roles.js';
import '../models.js';
import '../../nadooit_auth/models.js';

/** A person holding a manager role for one customer, with the abilities they hold there. */
export interface RoleHolder {
  employeeId: string;
  userId: string;
  userCode: string;
  displayName: string;
  contractActive: boolean;
  abilities: string[];
}

/** Holders sorted by display name (German collation), as the holder lists show them. */
export function byDisplayName(holders: RoleHolder[]): RoleHolder[] {
  return holders.sort((a, b) => a.displayName.localeCompare(b.displayName, 'de'));
}

/**
 * Who holds `role` for a customer, in any contract state (a deactivated contract shows with
 * `contractActive: false`), by name. No permission check: callers decide who may see the list.
 */
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
  return byDisplayName(
    rows.map((row) => {
      // abilities and is_active are selected under their registered names, so SQLite returns booleans
      const record = row as unknown as Record<string, unknown>;
      return {
        employeeId: row.employee_id,
        userId: row.user_id,
        userCode: row.user_code,
        displayName: row.display_name,
        contractActive: row.is_active,
        abilities: MANAGER_ROLES[role].abilities.filter((a) => record[a] === true),
      };
    }),
  );
}
