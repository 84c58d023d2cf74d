import { randomUUID } from 'node:crypto';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { staffAuthority } from '../../nadooit_auth/services/actor.js';
import type { Actor } from '../../core/actor.js';
import { InvalidCustomer, InvalidInput, PermissionDenied } from '../../core/errors.js';
import { activeCustomersOf } from '../../nadooit_hr/permissions.js';
import { ensureContract } from '../../nadooit_hr/services/contracts.js';
import { customerExists } from '../../nadooit_crm/services.js';
import { logChanges, resolveTarget } from '../../nadooit_hr/services/grants.js';
import type { RoleTarget } from '../../nadooit_hr/services/grants.js';
import { byDisplayName } from '../../nadooit_hr/services/holders.js';
import type { RoleHolder } from '../../nadooit_hr/services/holders.js';
import '../models.js';

export const API_KEY_MANAGER_ABILITIES = ['can_create_api_key', 'can_delete_api_key', 'can_give_manager_role'] as const;
export type ApiKeyManagerAbility = (typeof API_KEY_MANAGER_ABILITIES)[number];

export interface ApiKeyManager {
  id: string;
  employeeId: string;
  abilities: ApiKeyManagerAbility[];
  customerIds: string[];
}

/** The stored API-key-manager row of a user (active account) with its whole customer list, contracts aside. */
async function managerRowOf(db: Tx, userId: string): Promise<ApiKeyManager | undefined> {
  const row = await db
    .selectFrom('api_key_managers as m')
    .innerJoin('hr_employees as e', 'e.id', 'm.employee_id')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .where('e.user_id', '=', userId)
    .where('u.is_active', '=', true)
    .selectAll('m')
    .executeTakeFirst();
  if (!row) return undefined;
  const customers = await db.selectFrom('api_key_manager_customers').select('customer_id').where('manager_id', '=', row.id).execute();
  return {
    id: row.id,
    employeeId: row.employee_id,
    abilities: API_KEY_MANAGER_ABILITIES.filter((a) => row[a] === true),
    customerIds: customers.map((c) => c.customer_id),
  };
}

/**
 * The API-key-manager role of a user as it holds now: abilities, and the listed customers the user works for
 * on an active contract (hr's one rule, `activeCustomersOf`). Undefined when the role holds for no customer —
 * a manager whose contracts ended manages nothing.
 */
export async function apiKeyManagerOf(db: Tx, userId: string): Promise<ApiKeyManager | undefined> {
  const row = await managerRowOf(db, userId);
  if (!row) return undefined;
  const active = new Set(await activeCustomersOf(db, userId, row.customerIds));
  const customerIds = row.customerIds.filter((c) => active.has(c));
  return customerIds.length ? { ...row, customerIds } : undefined;
}

/** Throws PermissionDenied unless the user is an API-key manager with `ability` (and `customerId` in their list, if given). */
export async function requireManager(db: Tx, userId: string, ability: ApiKeyManagerAbility, customerId?: string | null): Promise<ApiKeyManager> {
  const manager = await apiKeyManagerOf(db, userId);
  if (!manager || !manager.abilities.includes(ability)) throw new PermissionDenied('Sie haben nicht die notwendige Berechtigung für API-Schlüssel.');
  if (customerId && !manager.customerIds.includes(customerId)) throw new PermissionDenied('Sie sind für diesen Kunden nicht als API-Key-Verwalter eingetragen.');
  return manager;
}

/**
 * The API-key managers with the customer in their list, by name. `contractActive` is false when their
 * contract with the customer is deactivated (or missing): the role then does not hold for it. No permission
 * check: callers decide who may see it.
 */
export async function apiKeyManagersOfCustomer(db: Tx, customerId: string): Promise<RoleHolder[]> {
  const rows = await db
    .selectFrom('api_key_manager_customers as mc')
    .innerJoin('api_key_managers as m', 'm.id', 'mc.manager_id')
    .innerJoin('hr_employees as e', 'e.id', 'm.employee_id')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .leftJoin('hr_employee_contracts as c', (join) => join.onRef('c.employee_id', '=', 'm.employee_id').onRef('c.customer_id', '=', 'mc.customer_id'))
    .where('mc.customer_id', '=', customerId)
    // is_active under its registered column name, so SQLite returns a boolean
    .select(['e.id as employee_id', 'u.id as user_id', 'u.user_code', 'u.display_name', 'c.is_active', ...API_KEY_MANAGER_ABILITIES.map((a) => `m.${a}` as const)])
    .execute();
  return byDisplayName(
    rows.map((row) => ({
      employeeId: row.employee_id,
      userId: row.user_id,
      userCode: row.user_code,
      displayName: row.display_name,
      contractActive: row.is_active === true,
      abilities: API_KEY_MANAGER_ABILITIES.filter((a) => row[a] === true),
    })),
  );
}

async function ensureManagerRow(tx: Tx, employeeId: string): Promise<string> {
  const now = new Date().toISOString();
  await tx
    .insertInto('api_key_managers')
    .values({ id: randomUUID(), employee_id: employeeId, can_create_api_key: false, can_delete_api_key: false, can_give_manager_role: false, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('employee_id').doNothing())
    .execute();
  return (await tx.selectFrom('api_key_managers').select('id').where('employee_id', '=', employeeId).executeTakeFirstOrThrow()).id;
}

/**
 * Appoints (or extends) an API-key manager: `abilities` switched on and `customerIds` added to their list.
 * Requires can_give_manager_role; only customers one's own role holds for and abilities one holds oneself
 * (staff: anything). Like every role grant (hr grantRole), it gives the appointee an active contract with a
 * customer they have none with; a deactivated contract stays deactivated, and the role does not hold there.
 * The appointee is recorded on the appointer's manager row and in hr_role_changes.
 */
export async function appointApiKeyManager(
  db: Tx,
  input: Actor & RoleTarget & { customerIds: string[]; abilities: readonly string[] },
): Promise<{ managerId: string; employeeId: string; granted: ApiKeyManagerAbility[]; addedCustomers: string[] }> {
  const unknown = input.abilities.filter((a) => !(API_KEY_MANAGER_ABILITIES as readonly string[]).includes(a));
  if (unknown.length) throw new InvalidInput(`Unbekannte Berechtigung: ${unknown.join(', ')}`);
  const abilities = [...new Set(input.abilities)] as ApiKeyManagerAbility[];
  const customerIds = [...new Set(input.customerIds)];
  return transaction(db, async (tx) => {
    for (const id of customerIds) if (!(await customerExists(tx, id))) throw new InvalidCustomer();
    const staff = await staffAuthority(tx, input);
    let appointer: ApiKeyManager | undefined;
    if (!staff) {
      appointer = await requireManager(tx, input.actorUserId!, 'can_give_manager_role');
      const outside = customerIds.filter((c) => !appointer!.customerIds.includes(c));
      if (outside.length) throw new PermissionDenied('Sie können nur Kunden aus Ihrer eigenen Liste vergeben.');
      const beyond = abilities.filter((a) => !appointer!.abilities.includes(a));
      if (beyond.length) throw new PermissionDenied(`Sie können nur Berechtigungen vergeben, die Sie selbst besitzen (fehlend: ${beyond.join(', ')}).`);
    } else if (input.actorUserId) {
      const self = await managerRowOf(tx, input.actorUserId);
      appointer = self;
    }
    const target = await resolveTarget(tx, input);
    for (const customerId of customerIds) await ensureContract(tx, target.employee.id, customerId);
    const managerId = await ensureManagerRow(tx, target.employee.id);
    const current = await tx.selectFrom('api_key_managers').selectAll().where('id', '=', managerId).executeTakeFirstOrThrow();
    const granted = abilities.filter((a) => current[a] !== true);
    if (granted.length) {
      await tx
        .updateTable('api_key_managers')
        .set({ ...Object.fromEntries(granted.map((a) => [a, true])), updated_at: new Date().toISOString() })
        .where('id', '=', managerId)
        .execute();
    }
    const existing = new Set(
      (await tx.selectFrom('api_key_manager_customers').select('customer_id').where('manager_id', '=', managerId).execute()).map((r) => r.customer_id),
    );
    const addedCustomers = customerIds.filter((c) => !existing.has(c));
    if (addedCustomers.length) {
      await tx.insertInto('api_key_manager_customers').values(addedCustomers.map((customer_id) => ({ manager_id: managerId, customer_id }))).execute();
    }
    if (appointer && appointer.id !== managerId) {
      await tx
        .insertInto('api_key_manager_appointees')
        .values({ manager_id: appointer.id, employee_id: target.employee.id })
        .onConflict((oc) => oc.columns(['manager_id', 'employee_id']).doNothing())
        .execute();
    }
    for (const customerId of customerIds) {
      const log = { actorUserId: input.actorUserId, employeeId: target.employee.id, customerId, role: 'api_key_manager' as const, action: 'grant' as const };
      await logChanges(tx, log, [...(addedCustomers.includes(customerId) ? [null] : []), ...granted]);
    }
    return { managerId, employeeId: target.employee.id, granted, addedCustomers };
  });
}

/**
 * Takes customers off an API-key manager's list (same authority rule: can_give_manager_role and only
 * customers in one's own list). Returns the customers removed.
 */
export async function removeApiKeyManagerCustomers(
  db: Tx,
  input: Actor & RoleTarget & { customerIds: string[] },
): Promise<{ removedCustomers: string[] }> {
  return transaction(db, async (tx) => {
    const staff = await staffAuthority(tx, input);
    if (!staff) {
      const appointer = await requireManager(tx, input.actorUserId!, 'can_give_manager_role');
      if (input.customerIds.some((c) => !appointer.customerIds.includes(c))) throw new PermissionDenied('Sie können nur Kunden aus Ihrer eigenen Liste entziehen.');
    }
    const target = await resolveTarget(tx, input);
    const manager = await managerRowOf(tx, target.user.id);
    const removedCustomers = manager ? input.customerIds.filter((c) => manager.customerIds.includes(c)) : [];
    if (manager && removedCustomers.length) {
      await tx.deleteFrom('api_key_manager_customers').where('manager_id', '=', manager.id).where('customer_id', 'in', removedCustomers).execute();
      for (const customerId of removedCustomers) {
        await logChanges(tx, { actorUserId: input.actorUserId, employeeId: target.employee.id, customerId, role: 'api_key_manager', action: 'revoke' }, [null]);
      }
    }
    return { removedCustomers };
  });
}
