import { randomUUID } from 'node:crypto';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import type { Actor } from '../../core/actor.js';
import { InvalidCustomer, InvalidInput, NotFound, PermissionDenied } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import { staffAuthority } from '../../nadooit_auth/services/actor.js';
import { DEFAULT_TIME_ZONE, getCustomer, isValidTimeZone } from '../../nadooit_crm/services.js';
import { activeCustomersOf, customersWithRole, hasRole } from '../../nadooit_hr/permissions.js';
import { employeeLabel, employeeOfUser, employeeWithUser, getOrCreateEmployee } from '../../nadooit_hr/services/employees.js';
import { createTimeAccount } from '../ledger.js';
import './models.js';
import '../models.js';

/**
 * Who may do what with an employee's work time — one rule for dashboard, admin and REST API:
 *  - clock in/out: only the employee, while their contract with the account's customer is active;
 *  - view: the employee, the customer's employee managers (nadooit_hr permissions: active contract), staff;
 *  - correct (and set the weekly hours): the customer's employee managers and staff — not the employee.
 * Opening an account for someone needs employee_manager.can_add_new_employee for the customer (or staff).
 */

export type WorkTimeAccess = 'view' | 'clock' | 'correct';

export interface WorkTimeAccount {
  id: string;
  customerId: string;
  customerName: string;
  employeeId: string;
  employeeUserId: string;
  employeeName: string;
  timeAccountId: string;
  weeklyWorkSeconds: number | null;
  /** The customer's zone: its calendar days are the days worked time is counted on. */
  timeZone: string;
}

export const MAX_WEEKLY_SECONDS = 100 * 3600;

async function loadAccount(db: Tx, id: string): Promise<WorkTimeAccount | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db.selectFrom('ta_employee_time_accounts').selectAll().where('id', '=', id.toLowerCase()).executeTakeFirst();
  if (!row) return undefined;
  const [person, customer] = await Promise.all([employeeWithUser(db, row.employee_id), getCustomer(db, row.customer_id)]);
  if (!person || !customer) return undefined;
  return {
    id: row.id,
    customerId: row.customer_id,
    customerName: customer.name,
    employeeId: row.employee_id,
    employeeUserId: person.user.id,
    employeeName: employeeLabel(person.user),
    timeAccountId: row.time_account_id,
    weeklyWorkSeconds: row.weekly_work_seconds === null || row.weekly_work_seconds === undefined ? null : Number(row.weekly_work_seconds),
    timeZone: isValidTimeZone(customer.time_zone) ? customer.time_zone : DEFAULT_TIME_ZONE,
  };
}

/** True when the actor may `access` the account (see the rule above). */
export async function mayAccessWorkTime(db: Tx, actor: Actor, account: WorkTimeAccount, access: WorkTimeAccess): Promise<boolean> {
  const own = actor.actorUserId !== null && actor.actorUserId === account.employeeUserId;
  if (access === 'clock') return own && (await activeCustomersOf(db, account.employeeUserId, [account.customerId])).length > 0;
  if (access === 'view' && own) return true;
  if (await staffAuthority(db, actor)) return true;
  return actor.actorUserId !== null && (await hasRole(db, actor.actorUserId, account.customerId, 'employee_manager'));
}

/** The account after the rule allowed `access`: unknown → 404, not allowed → 403. */
export async function assertWorkTimeAccess(db: Tx, actor: Actor, accountId: string, access: WorkTimeAccess): Promise<WorkTimeAccount> {
  const account = await loadAccount(db, accountId);
  if (!account) throw new NotFound('Arbeitszeitkonto nicht gefunden');
  if (!(await mayAccessWorkTime(db, actor, account, access))) {
    throw new PermissionDenied(
      access === 'clock' ? 'Nur der Mitarbeiter selbst kann ein- und ausstempeln.' : access === 'correct' ? 'Nur die Personalverwaltung des Kunden kann Arbeitszeit korrigieren.' : undefined,
    );
  }
  return account;
}

function checkWeekly(seconds: number | null | undefined): number | null {
  if (seconds === null || seconds === undefined) return null;
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds > MAX_WEEKLY_SECONDS) {
    throw new InvalidInput('Die Wochenarbeitszeit muss zwischen 0 und 100 Stunden liegen.', { field: 'weeklyWorkSeconds' });
  }
  return seconds;
}

/** Opens a work-time account for a person employed at the customer (one per person and customer). */
export async function openWorkTimeAccount(db: Tx, input: Actor & { customerId: string; userId: string; weeklyWorkSeconds?: number | null }): Promise<WorkTimeAccount> {
  const weekly = checkWeekly(input.weeklyWorkSeconds);
  return transaction(db, async (tx) => {
    const customer = isUuid(input.customerId) ? await getCustomer(tx, input.customerId) : undefined;
    if (!customer) throw new InvalidCustomer();
    if (!(await staffAuthority(tx, input)) && !(input.actorUserId && (await hasRole(tx, input.actorUserId, customer.id, 'employee_manager', 'can_add_new_employee')))) {
      throw new PermissionDenied('Sie dürfen für diesen Kunden keine Arbeitszeitkonten anlegen.');
    }
    if (!isUuid(input.userId) || !(await activeCustomersOf(tx, input.userId, [customer.id])).length) {
      throw new InvalidInput('Diese Person hat keinen aktiven Vertrag mit dem Kunden.', { field: 'userId' });
    }
    const employee = await getOrCreateEmployee(tx, input.userId);
    const existing = await tx
      .selectFrom('ta_employee_time_accounts')
      .select('id')
      .where('employee_id', '=', employee.id)
      .where('customer_id', '=', customer.id)
      .executeTakeFirst();
    if (existing) {
      if (weekly !== null) await tx.updateTable('ta_employee_time_accounts').set({ weekly_work_seconds: weekly }).where('id', '=', existing.id).execute();
      return (await loadAccount(tx, existing.id))!;
    }
    const person = await employeeWithUser(tx, employee.id);
    const timeAccount = await createTimeAccount(tx, { name: `Arbeitszeit ${person ? employeeLabel(person.user) : ''}`.trim(), authorUserId: input.actorUserId });
    const now = new Date().toISOString();
    const id = randomUUID();
    await tx
      .insertInto('ta_employee_time_accounts')
      .values({ id, time_account_id: timeAccount.id, employee_id: employee.id, customer_id: customer.id, weekly_work_seconds: weekly, created_at: now, updated_at: now })
      .execute();
    return (await loadAccount(tx, id))!;
  });
}

/** Sets the contract's weekly hours (employee managers of the customer, staff). */
export async function setWeeklyWorkSeconds(db: Tx, input: Actor & { employeeTimeAccountId: string; weeklyWorkSeconds: number | null }): Promise<WorkTimeAccount> {
  const weekly = checkWeekly(input.weeklyWorkSeconds);
  return transaction(db, async (tx) => {
    const account = await assertWorkTimeAccess(tx, input, input.employeeTimeAccountId, 'correct');
    await tx.updateTable('ta_employee_time_accounts').set({ weekly_work_seconds: weekly, updated_at: new Date().toISOString() }).where('id', '=', account.id).execute();
    return { ...account, weeklyWorkSeconds: weekly };
  });
}

/** An account the actor may view, or 404/403. */
export const workTimeAccount = (db: Tx, input: Actor & { employeeTimeAccountId: string }) => assertWorkTimeAccess(db, input, input.employeeTimeAccountId, 'view');

/** The accounts the actor sees: their own, and every account of customers where they are employee manager. */
export async function visibleWorkTimeAccounts(db: Tx, actor: Actor): Promise<{ own: WorkTimeAccount[]; managed: WorkTimeAccount[] }> {
  if (!actor.actorUserId) return { own: [], managed: [] };
  const employee = await employeeOfUser(db, actor.actorUserId);
  const managedCustomers = await customersWithRole(db, actor.actorUserId, 'employee_manager');
  if (!employee && !managedCustomers.length) return { own: [], managed: [] };
  const rows = await db
    .selectFrom('ta_employee_time_accounts')
    .select(['id', 'employee_id', 'customer_id'])
    .where((eb) =>
      eb.or([
        ...(employee ? [eb('employee_id', '=', employee.id)] : []),
        ...(managedCustomers.length ? [eb('customer_id', 'in', managedCustomers)] : []),
      ]),
    )
    .orderBy('created_at')
    .limit(1000)
    .execute();
  const accounts = (await Promise.all(rows.map((r) => loadAccount(db, r.id)))).filter((a): a is WorkTimeAccount => a !== undefined);
  const byName = (a: WorkTimeAccount, b: WorkTimeAccount) => a.customerName.localeCompare(b.customerName, 'de') || a.employeeName.localeCompare(b.employeeName, 'de');
  return {
    own: accounts.filter((a) => employee && a.employeeId === employee.id).sort(byName),
    managed: accounts.filter((a) => managedCustomers.includes(a.customerId)).sort(byName),
  };
}
