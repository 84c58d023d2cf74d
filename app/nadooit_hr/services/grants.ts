import { randomUUID } from 'node:crypto';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { staffAuthority } from '../../nadooit_auth/services/actor.js';
import type { Actor } from '../../core/actor.js';
import { InvalidCustomer, InvalidInput, InvalidUserCode, PermissionDenied } from '../../core/errors.js';
import { abilitiesFor } from '../permissions.js';
import { MANAGER_ROLES, isAbilityOf } from '../roles.js';
import type { ManagerRole } from '../roles.js';
import { contractOf, ensureContract } from './contracts.js';
import { customerExists } from '../../nadooit_crm/services.js';
import { isUuid } from '../../core/ids.js';
import { employeeByUserCode, employeeWithUser } from './employees.js';

/** The person a grant or revocation is about: by user code (as typed in the forms) or by employee id. */
export type RoleTarget = { targetUserCode: string; targetEmployeeId?: undefined } | { targetEmployeeId: string; targetUserCode?: undefined };

export type RoleChangeInput = Actor & RoleTarget & { customerId: string; role: ManagerRole };

export interface GrantResult {
  employeeId: string;
  contractId: string;
  roleContractId: string;
  /** False when the person's contract with the customer is deactivated: the role is stored but counts only after reactivation. */
  contractActive: boolean;
  roleCreated: boolean;
  /** Abilities that were newly switched on. */
  granted: string[];
}

const roleTable = (role: ManagerRole) => MANAGER_ROLES[role].table as 'hr_customer_manager_contracts';

function validateAbilities(role: ManagerRole, abilities: readonly string[]): string[] {
  const unknown = abilities.filter((a) => !isAbilityOf(role, a));
  if (unknown.length) throw new InvalidInput(`Unbekannte Berechtigung für diese Rolle: ${unknown.join(', ')}`, { abilities: unknown });
  return [...new Set(abilities)];
}

/**
 * The granting rule: the actor must hold `role` with can_give_manager_role for THIS customer (active
 * contract) and may hand out — or take away — only abilities they hold there themselves. Staff may do anything.
 */
async function assertMayChange(tx: Tx, input: Actor & { customerId: string; role: ManagerRole }, abilities: readonly string[]): Promise<void> {
  if (await staffAuthority(tx, input)) return;
  const own = await abilitiesFor(tx, input.actorUserId!, input.customerId, input.role);
  if (!own || !(own as string[]).includes('can_give_manager_role')) {
    throw new PermissionDenied(`Sie dürfen die Rolle „${MANAGER_ROLES[input.role].label.de}“ für diesen Kunden nicht vergeben oder entziehen.`);
  }
  const beyond = abilities.filter((a) => !(own as string[]).includes(a));
  if (beyond.length) {
    throw new PermissionDenied(`Sie können nur Berechtigungen vergeben oder entziehen, die Sie selbst besitzen (fehlend: ${beyond.join(', ')}).`);
  }
}

/** The target person's employee (auto-created) and user; InvalidUserCode when the code or id names nobody. */
export async function resolveTarget(tx: Tx, target: RoleTarget) {
  const found =
    target.targetUserCode !== undefined
      ? await employeeByUserCode(tx, target.targetUserCode)
      : isUuid(target.targetEmployeeId)
        ? await employeeWithUser(tx, target.targetEmployeeId)
        : undefined;
  if (!found) throw new InvalidUserCode();
  return found;
}

async function roleContractOf(tx: Tx, role: ManagerRole, contractId: string): Promise<Record<string, unknown> | undefined> {
  return tx.selectFrom(roleTable(role)).selectAll().where('contract_id', '=', contractId).executeTakeFirst() as Promise<
    Record<string, unknown> | undefined
  >;
}

/** Appends rows to hr_role_changes: one per ability (null = the role itself). Also used for API-key-manager appointments. */
export async function logChanges(
  tx: Tx,
  base: { actorUserId: string | null; employeeId: string; customerId: string; role: ManagerRole | 'api_key_manager'; action: 'grant' | 'revoke' },
  abilities: Array<string | null>,
): Promise<void> {
  if (!abilities.length) return;
  const now = new Date().toISOString();
  await tx
    .insertInto('hr_role_changes')
    .values(
      abilities.map((ability) => ({
        id: randomUUID(),
        actor_user_id: base.actorUserId,
        target_employee_id: base.employeeId,
        customer_id: base.customerId,
        role: base.role,
        ability,
        action: base.action,
        created_at: now,
      })),
    )
    .execute();
}

async function setAbilities(tx: Tx, role: ManagerRole, roleContractId: string, abilities: string[], value: boolean): Promise<void> {
  if (!abilities.length) return;
  const changes = Object.fromEntries(abilities.map((a) => [a, value]));
  await tx
    .updateTable(roleTable(role))
    .set({ ...changes, updated_at: new Date().toISOString() })
    .where('id', '=', roleContractId)
    .execute();
}

/**
 * "Schlüssel freischalten": gives the target `role` for `customerId` with `abilities` (may be empty: the
 * bare role). Creates the Employee and the EmployeeContract if needed — only after the authority check.
 * Every change is logged in hr_role_changes (a row with ability null when the role itself is added).
 */
export async function grantRole(db: Tx, input: RoleChangeInput & { abilities: readonly string[] }): Promise<GrantResult> {
  const abilities = validateAbilities(input.role, input.abilities);
  return transaction(db, async (tx) => {
    if (!(await customerExists(tx, input.customerId))) throw new InvalidCustomer();
    await assertMayChange(tx, input, abilities);
    const { employee } = await resolveTarget(tx, input);
    const { contract } = await ensureContract(tx, employee.id, input.customerId);
    let roleContract = await roleContractOf(tx, input.role, contract.id);
    const roleCreated = !roleContract;
    if (!roleContract) {
      const now = new Date().toISOString();
      await tx
        .insertInto(roleTable(input.role))
        .values({
          id: randomUUID(),
          contract_id: contract.id,
          ...(Object.fromEntries(MANAGER_ROLES[input.role].abilities.map((a) => [a, false])) as { can_give_manager_role: boolean }),
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('contract_id').doNothing())
        .execute();
      roleContract = (await roleContractOf(tx, input.role, contract.id))!;
    }
    const roleContractId = roleContract.id as string;
    const granted = abilities.filter((a) => roleContract[a] !== true);
    await setAbilities(tx, input.role, roleContractId, granted, true);
    const log = { actorUserId: input.actorUserId, employeeId: employee.id, customerId: input.customerId, role: input.role, action: 'grant' as const };
    await logChanges(tx, log, [...(roleCreated ? [null] : []), ...granted]);
    return { employeeId: employee.id, contractId: contract.id, roleContractId, contractActive: contract.is_active, roleCreated, granted };
  });
}

async function targetRoleContract(tx: Tx, input: RoleChangeInput) {
  if (!(await customerExists(tx, input.customerId))) throw new InvalidCustomer();
  const { employee } = await resolveTarget(tx, input);
  const contract = await contractOf(tx, employee.id, input.customerId);
  const roleContract = contract ? await roleContractOf(tx, input.role, contract.id) : undefined;
  return { employee, roleContract };
}

/** Switches off `abilities` of the target's role for the customer (same authority rule as granting). */
export async function revokeAbilities(db: Tx, input: RoleChangeInput & { abilities: readonly string[] }): Promise<{ revoked: string[] }> {
  const abilities = validateAbilities(input.role, input.abilities);
  return transaction(db, async (tx) => {
    const { employee, roleContract } = await targetRoleContract(tx, input);
    await assertMayChange(tx, input, abilities);
    if (!roleContract) return { revoked: [] };
    const revoked = abilities.filter((a) => roleContract[a] === true);
    await setAbilities(tx, input.role, roleContract.id as string, revoked, false);
    const log = { actorUserId: input.actorUserId, employeeId: employee.id, customerId: input.customerId, role: input.role, action: 'revoke' as const };
    await logChanges(tx, log, revoked);
    return { revoked };
  });
}

/**
 * Removes the whole role from the target for the customer. The actor needs can_give_manager_role there and
 * every ability the target currently holds in that role (nobody strips a role stronger than their own).
 */
export async function revokeRole(db: Tx, input: RoleChangeInput): Promise<{ removed: boolean; revoked: string[] }> {
  return transaction(db, async (tx) => {
    const { employee, roleContract } = await targetRoleContract(tx, input);
    const held = roleContract ? MANAGER_ROLES[input.role].abilities.filter((a) => roleContract[a] === true) : [];
    await assertMayChange(tx, input, held);
    if (!roleContract) return { removed: false, revoked: [] };
    await tx.deleteFrom(roleTable(input.role)).where('id', '=', roleContract.id as string).execute();
    const log = { actorUserId: input.actorUserId, employeeId: employee.id, customerId: input.customerId, role: input.role, action: 'revoke' as const };
    await logChanges(tx, log, [...held, null]);
    return { removed: true, revoked: held };
  });
}

export interface RoleChangeRecord {
  id: string;
  createdAt: string;
  action: 'grant' | 'revoke';
  role: ManagerRole | 'api_key_manager';
  ability: string | null;
  customerId: string;
  customerName: string;
  targetEmployeeId: string;
  targetUserCode: string;
  targetDisplayName: string;
  actorUserId: string | null;
  actorDisplayName: string | null;
}

/** The grant/revoke history, newest first, optionally for one customer and/or one target employee. */
export async function roleChanges(
  db: Tx,
  filter: { customerId?: string; targetEmployeeId?: string; limit?: number } = {},
): Promise<RoleChangeRecord[]> {
  let query = db
    .selectFrom('hr_role_changes as h')
    .innerJoin('crm_customers as cu', 'cu.id', 'h.customer_id')
    .innerJoin('hr_employees as e', 'e.id', 'h.target_employee_id')
    .innerJoin('users as t', 't.id', 'e.user_id')
    .leftJoin('users as a', 'a.id', 'h.actor_user_id')
    .select([
      'h.id',
      'h.created_at as createdAt',
      'h.action',
      'h.role',
      'h.ability',
      'h.customer_id as customerId',
      'cu.name as customerName',
      'h.target_employee_id as targetEmployeeId',
      't.user_code as targetUserCode',
      't.display_name as targetDisplayName',
      'h.actor_user_id as actorUserId',
      'a.display_name as actorDisplayName',
    ])
    .orderBy('h.created_at', 'desc')
    .orderBy('h.id')
    .limit(filter.limit ?? 200);
  if (filter.customerId) query = query.where('h.customer_id', '=', filter.customerId);
  if (filter.targetEmployeeId) query = query.where('h.target_employee_id', '=', filter.targetEmployeeId);
  return query.execute();
}
