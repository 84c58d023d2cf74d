import { randomBytes, randomUUID } from 'node:crypto';
import type { Tx } from '../core/db/transaction.js';
import { createCustomer } from '../nadooit_crm/services.js';
import { grantRole } from './services/grants.js';
import type { ManagerRole } from './roles.js';
import '../nadooit_auth/models.js';

/** Test fixtures for the business core (used by tests of this and dependent apps; never by production code). */

export interface TestUser {
  id: string;
  user_code: string;
}

/** Inserts a user row directly (no login data); the code is random unless given. */
export async function makeUser(db: Tx, overrides: { user_code?: string; display_name?: string; is_active?: boolean; is_staff?: boolean } = {}): Promise<TestUser> {
  const now = new Date().toISOString();
  const user = {
    id: randomUUID(),
    user_code: overrides.user_code ?? `T${randomBytes(5).toString('hex')}`,
    display_name: overrides.display_name ?? 'Test Person',
    username: null,
    email: null,
    password_hash: null,
    is_active: overrides.is_active ?? true,
    is_staff: overrides.is_staff ?? false,
    is_superuser: false,
    last_login: null,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('users').values(user).execute();
  return { id: user.id, user_code: user.user_code };
}

/** A customer with a unique name. */
export async function makeCustomer(db: Tx, name = `Kunde ${randomBytes(3).toString('hex')}`): Promise<string> {
  return (await createCustomer(db, { name })).id;
}

/** Gives `user` the role with abilities for the customer via the system staff path. */
export async function giveRole(db: Tx, user: TestUser, customerId: string, role: ManagerRole, abilities: readonly string[]): Promise<void> {
  await grantRole(db, { actorUserId: null, asStaff: true, targetUserCode: user.user_code, customerId, role, abilities });
}
