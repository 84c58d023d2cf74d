import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Tx } from '../../core/db/transaction.js';
import type { UsersTable } from '../../nadooit_auth/models.js';
import type { EmployeesTable } from '../models.js';
import '../models.js';
import { findUserByExactCode, findUserById } from '../../nadooit_auth/services/users.js';

export type Employee = Selectable<EmployeesTable>;
export type UserRow = Selectable<UsersTable>;


/** The Employee row of a user, or undefined when none exists yet. */
export async function employeeOfUser(db: Tx, userId: string): Promise<Employee | undefined> {
  return db.selectFrom('hr_employees').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** The Employee row of a user, created on first use (safe under concurrency: unique user_id + ON CONFLICT). */
export async function getOrCreateEmployee(db: Tx, userId: string): Promise<Employee> {
  const existing = await employeeOfUser(db, userId);
  if (existing) return existing;
  const now = new Date().toISOString();
  await db
    .insertInto('hr_employees')
    .values({ id: randomUUID(), user_id: userId, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
  return (await employeeOfUser(db, userId))!;
}

/** The employee (auto-created) and user for a user code; undefined when no user has that code. */
export async function employeeByUserCode(db: Tx, userCode: string): Promise<{ employee: Employee; user: UserRow } | undefined> {
  const user = await findUserByExactCode(db, userCode);
  if (!user) return undefined;
  return { employee: await getOrCreateEmployee(db, user.id), user };
}

/** The employee with its user, by employee id. */
export async function employeeWithUser(db: Tx, employeeId: string): Promise<{ employee: Employee; user: UserRow } | undefined> {
  const employee = await db.selectFrom('hr_employees').selectAll().where('id', '=', employeeId).executeTakeFirst();
  if (!employee) return undefined;
  const user = await findUserById(db, employee.user_id);
  if (!user) throw new Error(`employee ${employee.id} has no user`);
  return { employee, user };
}

/** How an employee is shown: display name, else username, else user code (never crashes on blanks). */
export function employeeLabel(user: Pick<UsersTable, 'display_name' | 'username' | 'user_code'>): string {
  return user.display_name?.trim() || user.username?.trim() || user.user_code;
}
