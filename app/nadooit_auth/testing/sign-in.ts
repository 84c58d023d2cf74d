import assert from 'node:assert/strict';
import { generate } from 'otplib';
import type { LightMyRequestResponse } from 'fastify';
import { decodeAttestationObject, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import type { DB } from '../../core/db/connection.js';
import { transaction } from '../../core/db/transaction.js';
import { addCredential } from '../services/credentials.js';
import { hashPassword } from '../services/passwords.js';
import { newTotpSecret, saveTotpDevice } from '../services/totp.js';
import { createUser } from '../services/users.js';
import type { NewUser, User } from '../services/users.js';
import { userHandle } from '../services/webauthn.js';
import { SoftAuthenticator } from './soft-authenticator.js';

/** The part of test/support/http.ts TestClient these helpers use. */
export interface Client {
  csrfToken: string;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, form?: Record<string, string | string[]>): Promise<LightMyRequestResponse>;
  json(method: 'POST', url: string, payload?: unknown): Promise<LightMyRequestResponse>;
}

/** The origin the test harness configures (WEBAUTHN_ORIGIN=http://localhost). */
export const TEST_ORIGIN = 'http://localhost';

/** A person with one registered software key (stored directly, as after an enrolment). */
export async function personWithKey(db: DB, input: NewUser, authenticator = new SoftAuthenticator(TEST_ORIGIN)) {
  const user = await transaction(db, (tx) => createUser(tx, input));
  const response = authenticator.createCredential({
    challenge: 'unused',
    rp: { name: 'test', id: authenticator.rpId },
    user: { id: Buffer.from(userHandle(user)).toString('base64url'), name: user.user_code, displayName: user.display_name },
    pubKeyCredParams: [{ alg: -7, type: 'public-key' }],
  });
  const attestation = decodeAttestationObject(new Uint8Array(Buffer.from(response.response.attestationObject, 'base64url')));
  const parsed = parseAuthenticatorData(attestation.get('authData'));
  await addCredential(db, {
    userId: user.id,
    credentialId: response.id,
    publicKey: parsed.credentialPublicKey!,
    signCount: 0,
    backedUp: false,
    name: 'Test key',
  });
  return { user, authenticator };
}

/** Logs in through the real endpoints: code → options → assertion → verify. Returns the verify response. */
export async function signInWithKey(client: Client, authenticator: SoftAuthenticator, userCode: string, next?: string) {
  await client.get('/auth/login-user');
  const begin = await client.json('POST', '/auth/login-user/options', { user_code: userCode });
  assert.equal(begin.statusCode, 200, begin.body);
  const credential = authenticator.getAssertion(begin.json().options);
  const done = await client.json('POST', '/auth/login-user/verify', { credential, next });
  // The session (and with it the CSRF token) changed: pick up the new token from a page.
  await client.get('/auth/sessions');
  return done;
}

export interface StaffAccount {
  user: User;
  password: string;
  totpSecret: string;
}

/** A staff member with password and a confirmed authenticator app. */
export async function staffWithTotp(db: DB, secretKey: string, input: { username: string; superuser?: boolean }): Promise<StaffAccount> {
  const password = 'correct horse battery staple';
  const totpSecret = newTotpSecret();
  const user = await transaction(db, async (tx) => {
    const created = await createUser(tx, {
      displayName: input.username,
      username: input.username,
      passwordHash: await hashPassword(password),
      isStaff: true,
      isSuperuser: input.superuser ?? false,
    });
    // A time step in the past, so the first code of the current step is still accepted.
    await saveTotpDevice(tx, secretKey, created.id, totpSecret, 0);
    return created;
  });
  return { user, password, totpSecret };
}

/** Password, then the current TOTP code: a staff session with the second factor verified. */
export async function signInStaff(client: Client, account: StaffAccount, next?: string) {
  await client.get('/auth/staff-login');
  const first = await client.post('/auth/staff-login', { username: account.user.username!, password: account.password, ...(next ? { next } : {}) });
  assert.equal(first.statusCode, 302, first.body);
  await client.get('/auth/staff-login/verify');
  const second = await client.post('/auth/staff-login/verify', { code: await generate({ secret: account.totpSecret }) });
  await client.get('/auth/sessions');
  return second;
}
