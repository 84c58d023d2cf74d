import { randomBytes, randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import type { FastifyInstance } from 'fastify';
import type { Settings } from '../../app/core/config.js';
import type { DB } from '../../app/core/db/connection.js';
import { hashPassword } from '../../app/nadooit_auth/services/passwords.js';
import { newTotpSecret, saveTotpDevice } from '../../app/nadooit_auth/services/totp.js';
import { createUser } from '../../app/nadooit_auth/services/users.js';
import type { Permission } from '../../app/core/admin/types.js';
import '../../app/nadooit_admin/models.js';
import { TestClient } from '../support/http.js';

export interface Staff {
  id: string;
  username: string;
  password: string;
  totpSecret: string;
}

/** A staff account with password and an enrolled authenticator app, plus admin permissions if given. */
export async function createStaff(
  db: DB,
  settings: Settings,
  options: { superuser?: boolean; staff?: boolean; grants?: Array<[string, Permission]> } = {},
): Promise<Staff> {
  const username = `staff_${randomBytes(4).toString('hex')}`;
  const password = `Pw-${randomBytes(12).toString('hex')}`;
  const user = await createUser(db, {
    displayName: `Staff ${username}`,
    username,
    passwordHash: await hashPassword(password),
    isStaff: options.staff ?? true,
    isSuperuser: options.superuser ?? false,
  });
  const totpSecret = newTotpSecret();
  await saveTotpDevice(db, settings.secretKey, user.id, totpSecret, 0);
  const now = new Date().toISOString();
  for (const [resource, permission] of options.grants ?? []) {
    await db
      .insertInto('admin_permissions')
      .values({ id: randomUUID(), user_id: user.id, resource, permission, granted_by: null, created_at: now, updated_at: now })
      .execute();
  }
  return { id: user.id, username, password, totpSecret };
}

/** Logs in through the real staff login: password, then the authenticator app's current code. */
export async function staffLogin(app: FastifyInstance, staff: Staff): Promise<TestClient> {
  const client = new TestClient(app);
  await client.get('/auth/staff-login');
  const first = await client.post('/auth/staff-login', { username: staff.username, password: staff.password, next: '/admin/' });
  assert.equal(first.statusCode, 302, `password step: ${first.statusCode}`);
  await client.get(String(first.headers.location));
  const code = await generate({ secret: staff.totpSecret });
  const second = await client.post('/auth/staff-login/verify', { code });
  assert.equal(second.statusCode, 302, `second factor step: ${second.statusCode}`);
  // Like the browser, land on the page the login sends to (the session was rotated: a new CSRF token).
  await client.get(String(second.headers.location));
  return client;
}

/** The rows of the admin audit log for one object, oldest first. */
export async function auditOf(db: DB, resource: string, objectId?: string) {
  let query = db.selectFrom('admin_audit_log').selectAll().where('resource', '=', resource).orderBy('created_at');
  if (objectId) query = query.where('object_id', '=', objectId);
  return query.execute();
}

/** The href of every row link in an admin list page, in order. */
export function listedIds(html: string): string[] {
  return [...html.matchAll(/<tr data-id="([^"]+)"/g)].map((m) => m[1]!);
}
