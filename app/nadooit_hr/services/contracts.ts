import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import type { EmployeeContractsTable } from '../models.js';
import { staffAuthority } from '../../nadooit_auth/services/actor.js';
import type { Actor } from '../../core/actor.js';
import { ADD_EMPLOYEE_DENIED, InvalidCustomer, InvalidUserCode, NotFound, PermissionDenied } from '../../core/errors.js';
import { hasRole } from '../permissions.js';
import { isUuid } from '../../core/ids.js';
import { employeeByUserCode } from './employees.js';
import { customerExists } from '../../nadooit_crm/services.js';

export type EmployeeContract = Selectable<EmployeeContractsTable>;

const today = () => new Date().toISOString().slice(0, 10);

/** The (unique) contract between an employee and a customer, or undefined. */
export async function contractOf(db: Tx, employeeId: string, customerId: string): Promise<EmployeeContract | undefined> {
  return db
    .selectFrom('hr_employee_contracts')
    .selectAll()
    .where('employee_id', '=', employeeId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
}

/** A contract by id, or undefined. */
export async function contractById(db: Tx, contractId: string): Promise<EmployeeContract | undefined> {
  return db.selectFrom('hr_employee_contracts').selectAll().where('id', '=', contractId).executeTakeFirst();
}

/**
 * Internal, no authorization: the contract (employee, customer), created active if missing. An existing
 * inactive contract stays inactive. Safe under concurrency (unique pair + ON CONFLICT).
 */
export async function ensureContract(db: Tx, employeeId: string, customerId: string): Promise<{ contract: EmployeeContract; created: boolean }> {
  const existing = await contractOf(db, employeeId, customerId);
  if (existing) return { contract: existing, created: false };
  const now = new Date().toISOString();
  const inserted = await db
    .insertInto('hr_employee_contracts')
    .values({
      id: randomUUID(),
      employee_id: employeeId,
      customer_id: customerId,
      start_date: today(),
      end_date: null,
      is_active: true,
      deactivation_date: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['employee_id', 'customer_id']).doNothing())
    .executeTakeFirst();
  const contract = (await contractOf(db, employeeId, customerId))!;
  return { contract, created: Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0 };
}


export type AddEmployeeOutcome = 'created' | 'exists' | 'reactivated';

/**
 * "Angestellten hinzufügen": makes the person with `userCode` an employee of `customerId`. Requires
 * employee_manager.can_add_new_employee for that customer. An inactive contract is reactivated only when
 * the actor may also (de)activate contracts there (can_delete_employee); otherwise refused.
 */
export async function addEmployeeToCustomer(
  db: Tx,
  input: Actor & { userCode: string; customerId: string },
): Promise<{ contract: EmployeeContract; outcome: AddEmployeeOutcome }> {
  return transaction(db, async (tx) => {
    if (!(await customerExists(tx, input.customerId))) throw new InvalidCustomer();
    const staff = await staffAuthority(tx, input);
    const actorId = input.actorUserId!;
    if (!staff && !(await hasRole(tx, actorId, input.customerId, 'employee_manager', 'can_add_new_employee'))) {
      throw new PermissionDenied(ADD_EMPLOYEE_DENIED);
    }
    const target = await employeeByUserCode(tx, input.userCode);
    if (!target) throw new InvalidUserCode();
    const { contract, created } = await ensureContract(tx, target.employee.id, input.customerId);
    if (created) return { contract, outcome: 'created' };
    if (contract.is_active) return { contract, outcome: 'exists' };
    if (!staff && !(await hasRole(tx, actorId, input.customerId, 'employee_manager', 'can_delete_employee'))) {
      throw new PermissionDenied('Der Vertrag dieser Person ist deaktiviert; Sie dürfen ihn nicht wieder aktivieren.');
    }
    return { contract: await writeActive(tx, contract.id, true), outcome: 'reactivated' };
  });
}

async function writeActive(tx: Tx, contractId: string, active: boolean): Promise<EmployeeContract> {
  await tx
    .updateTable('hr_employee_contracts')
    .set({ is_active: active, deactivation_date: active ? null : today(), updated_at: new Date().toISOString() })
    .where('id', '=', contractId)
    .execute();
  return (await contractById(tx, contractId))!;
}

/**
 * Activates or deactivates a contract ("Vertrag aktivieren/deaktivieren"). Requires
 * employee_manager.can_delete_employee for the contract's own customer (the original allowed any contract).
 * Roles on the contract stay attached but count only while it is active.
 */
export async function setContractActive(db: Tx, input: Actor & { contractId: string; active: boolean }): Promise<EmployeeContract> {
  return transaction(db, async (tx) => {
    const contract = isUuid(input.contractId) ? await contractById(tx, input.contractId) : undefined;
    if (!contract) throw new NotFound('Vertrag nicht gefunden');
    const staff = await staffAuthority(tx, input);
    if (!staff && !(await hasRole(tx, input.actorUserId!, contract.customer_id, 'employee_manager', 'can_delete_employee'))) {
      throw new PermissionDenied('Sie dürfen Verträge dieses Kunden nicht aktivieren oder deaktivieren.');
    }
    if (contract.is_active === input.active) return contract;
    return writeActive(tx, contract.id, input.active);
  });
}

/** Shorthand for setContractActive(..., active: false). */
export const deactivateContract = (db: Tx, input: Actor & { contractId: string }) => setContractActive(db, { ...input, active: false });
/** Shorthand for setContractActive(..., active: true). */
export const activateContract = (db: Tx, input: Actor & { contractId: string }) => setContractActive(db, { ...input, active: true });

export interface ContractListing {
  contractId: string;
  employeeId: string;
  userId: string;
  userCode: string;
  displayName: string;
  isStaff: boolean;
  isActive: boolean;
  startDate: string;
  deactivationDate: string | null;
}

/**
 * The employee contracts of a customer, active first, then by display name ("Mitarbeiter Übersicht").
 * Contracts of staff users are hidden unless `includeStaff` (the original showed them to staff managers only).
 */
export async function contractsOfCustomer(db: Tx, customerId: string, options: { includeStaff?: boolean } = {}): Promise<ContractListing[]> {
  let query = db
    .selectFrom('hr_employee_contracts as c')
    .innerJoin('hr_employees as e', 'e.id', 'c.employee_id')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .where('c.customer_id', '=', customerId)
    .select([
      'c.id as contractId',
      'e.id as employeeId',
      'u.id as userId',
      'u.user_code as userCode',
      'u.display_name as displayName',
      // booleans under their registered column names: SQLite's adapter converts 0/1 by name, not by alias
      'u.is_staff',
      'c.is_active',
      'c.start_date as startDate',
      'c.deactivation_date as deactivationDate',
    ]);
  if (!options.includeStaff) query = query.where('u.is_staff', '=', false);
  const rows = (await query.execute()).map(({ is_staff, is_active, ...r }) => ({ ...r, isStaff: is_staff, isActive: is_active }));
  return rows.sort((a, b) => Number(b.isActive) - Number(a.isActive) || a.displayName.localeCompare(b.displayName, 'de'));
}

export interface UserContract {
  contractId: string;
  customerId: string;
  customerName: string;
  isActive: boolean;
  startDate: string;
}

/** The contracts of one user with their customer names, oldest first (profile page). */
export async function contractsOfUser(db: Tx, userId: string): Promise<UserContract[]> {
  const rows = await db
    .selectFrom('hr_employee_contracts as c')
    .innerJoin('hr_employees as e', 'e.id', 'c.employee_id')
    .innerJoin('crm_customers as cu', 'cu.id', 'c.customer_id')
    .where('e.user_id', '=', userId)
    // is_active under its registered column name (see contractsOfCustomer)
    .select(['c.id as contractId', 'c.customer_id as customerId', 'cu.name as customerName', 'c.is_active', 'c.start_date as startDate'])
    .orderBy('c.created_at')
    .execute();
  return rows.map(({ is_active, ...r }) => ({ ...r, isActive: is_active }));
}
