import { sql } from 'kysely';
import type { Tx } from '../core/db/transaction.js';
import { PermissionDenied } from '../core/errors.js';
import { isUuid } from '../core/ids.js';
import { MANAGER_ROLES, MANAGER_ROLE_NAMES, isAbilityOf } from './roles.js';
import type { AbilityOf, ManagerRole } from './roles.js';
import './models.js';
import '../nadooit_auth/models.js';
import '../nadooit_crm/models.js';

/**
 * The ONE permission service: "may user U act as role R (with ability A) for customer C?".
 * A role counts only for the customer of the EmployeeContract it hangs on, only while that contract is
 * active, and only while the user account is active (`activeContracts`, the one rule). Staff status grants
 * nothing here — staff paths pass an explicit `asStaff` flag to the services instead.
 */

export type Ability<R extends ManagerRole = ManagerRole> = AbilityOf<R>;

/** The roles and abilities one user holds for one customer (active contracts only). */
export interface CustomerRoles {
  customerId: string;
  customerName: string;
  contractId: string;
  roles: Partial<Record<ManagerRole, string[]>>;
}

function checkAbility(role: ManagerRole, ability: string | undefined): void {
  if (ability !== undefined && !isAbilityOf(role, ability)) throw new Error(`${ability} is not an ability of ${role}`);
}

/**
 * THE rule every role and every reach rests on, in one place: an employee contract counts only while it is
 * active AND its user account is active. Role rows (below), the API-key managers' customer lists
 * (nadooit_api_key) and the key managers' reach (nadooit_key) all select through this query.
 */
function activeContracts(db: Tx) {
  return db
    .selectFrom('hr_employee_contracts as c')
    .innerJoin('hr_employees as e', 'e.id', 'c.employee_id')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .where('c.is_active', '=', true)
    .where('u.is_active', '=', true);
}

/** Active role contracts of `role` held by `userId`, joined to their employee contract. */
function activeRoleRows(db: Tx, userId: string, role: ManagerRole, ability?: string) {
  checkAbility(role, ability);
  const table = MANAGER_ROLES[role].table;
  let query = activeContracts(db)
    .innerJoin(`${table} as r` as 'hr_customer_manager_contracts as r', 'r.contract_id', 'c.id')
    .where('e.user_id', '=', userId);
  if (ability) query = query.where(sql.ref(`r.${ability}`), '=', true);
  return query;
}

/**
 * The customers the user works for on an active contract (account active too), optionally only those in
 * `among`. Roles that are not rows on a contract (the API-key manager's customer list, the key manager's
 * reach) count exactly for these customers.
 */
export async function activeCustomersOf(db: Tx, userId: string, among?: readonly string[]): Promise<string[]> {
  if (!isUuid(userId) || (among && !among.length)) return [];
  let query = activeContracts(db).where('e.user_id', '=', userId);
  if (among) query = query.where('c.customer_id', 'in', [...among]);
  const rows = await query.select('c.customer_id').execute();
  return [...new Set(rows.map((r) => r.customer_id))];
}

/**
 * A subquery of the ids of users with an active contract at one of `customerIds`, for
 * `.where('users.id', 'in', usersEmployedAt(db, ids))`. `customerIds` must not be empty.
 */
export function usersEmployedAt(db: Tx, customerIds: readonly string[]) {
  if (!customerIds.length) throw new Error('usersEmployedAt needs at least one customer');
  return activeContracts(db).where('c.customer_id', 'in', [...customerIds]).select('e.user_id');
}

/** True when both people have a contract with one customer, the caller's being active (or it is the caller). */
export async function sharesCustomer(db: Tx, callerUserId: string, otherUserId: string): Promise<boolean> {
  if (callerUserId === otherUserId) return true;
  const row = await db
    .selectFrom('hr_employee_contracts as mine')
    .innerJoin('hr_employees as me', 'me.id', 'mine.employee_id')
    .innerJoin('hr_employee_contracts as theirs', 'theirs.customer_id', 'mine.customer_id')
    .innerJoin('hr_employees as them', 'them.id', 'theirs.employee_id')
    .where('me.user_id', '=', callerUserId)
    .where('mine.is_active', '=', true)
    .where('them.user_id', '=', otherUserId)
    .select('mine.id')
    .executeTakeFirst();
  return row !== undefined;
}

/** True when the user works on an active contract for at least one of `customerIds`. */
export async function isEmployedAt(db: Tx, userId: string, customerIds: readonly string[]): Promise<boolean> {
  return (await activeCustomersOf(db, userId, customerIds)).length > 0;
}

/** True when the user holds `role` (and `ability`, if given) for `customerId` on an active contract. */
export async function hasRole<R extends ManagerRole>(
  db: Tx,
  userId: string,
  customerId: string,
  role: R,
  ability?: Ability<R>,
): Promise<boolean> {
  if (!isUuid(userId) || !isUuid(customerId)) return false;
  const row = await activeRoleRows(db, userId, role, ability)
    .where('c.customer_id', '=', customerId)
    .select('r.id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Throws PermissionDenied (403) unless hasRole(...) holds. */
export async function assertRole<R extends ManagerRole>(
  db: Tx,
  userId: string,
  customerId: string,
  role: R,
  ability?: Ability<R>,
  message?: string,
): Promise<void> {
  if (!(await hasRole(db, userId, customerId, role, ability))) throw new PermissionDenied(message);
}

/** Ids of the customers for which the user holds `role` (and `ability`) on an active contract. */
export async function customersWithRole<R extends ManagerRole>(
  db: Tx,
  userId: string,
  role: R,
  ability?: Ability<R>,
): Promise<string[]> {
  if (!isUuid(userId)) return [];
  const rows = await activeRoleRows(db, userId, role, ability).select('c.customer_id').execute();
  return [...new Set(rows.map((r) => r.customer_id))];
}

/** The abilities the user holds in `role` for `customerId`, or null when the user does not hold the role there. */
export async function abilitiesFor<R extends ManagerRole>(
  db: Tx,
  userId: string,
  customerId: string,
  role: R,
): Promise<Ability<R>[] | null> {
  if (!isUuid(userId) || !isUuid(customerId)) return null;
  const row = await activeRoleRows(db, userId, role)
    .where('c.customer_id', '=', customerId)
    .selectAll('r')
    .executeTakeFirst();
  if (!row) return null;
  const record = row as unknown as Record<string, unknown>;
  return MANAGER_ROLES[role].abilities.filter((a) => record[a] === true) as Ability<R>[];
}

/** Per customer (sorted by name), every role and ability the user holds on active contracts — for navbar and profile. */
export async function roleMap(db: Tx, userId: string): Promise<CustomerRoles[]> {
  if (!isUuid(userId)) return [];
  const byCustomer = new Map<string, CustomerRoles>();
  for (const role of MANAGER_ROLE_NAMES) {
    const rows = await activeRoleRows(db, userId, role)
      .innerJoin('crm_customers as cu', 'cu.id', 'c.customer_id')
      .selectAll('r')
      .select(['c.customer_id as customer_id', 'cu.name as customer_name', 'c.id as employee_contract_id'])
      .execute();
    for (const row of rows) {
      const record = row as unknown as Record<string, unknown>;
      const entry = byCustomer.get(row.customer_id) ?? {
        customerId: row.customer_id,
        customerName: row.customer_name,
        contractId: row.employee_contract_id,
        roles: {},
      };
      entry.roles[role] = MANAGER_ROLES[role].abilities.filter((a) => record[a] === true);
      byCustomer.set(row.customer_id, entry);
    }
  }
  return [...byCustomer.values()].sort((a, b) => a.customerName.localeCompare(b.customerName, 'de'));
}

/** True when the user holds `role` (and `ability`) for at least one customer — for menus, never for authorization. */
export async function holdsRoleAnywhere<R extends ManagerRole>(db: Tx, userId: string, role: R, ability?: Ability<R>): Promise<boolean> {
  return (await customersWithRole(db, userId, role, ability)).length > 0;
}
