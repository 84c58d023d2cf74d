import { randomUUID } from 'node:crypto';
import type { Tx } from '../../core/db/transaction.js';
import type { AuthCredentialsTable } from '../models.js';
import { AuthRefused } from './errors.js';

export type Credential = AuthCredentialsTable;
export const KEY_NAME_MAX = 64;

export async function listCredentials(db: Tx, userId: string): Promise<Credential[]> {
  return db.selectFrom('auth_credentials').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
}

export async function findCredentialById(db: Tx, credentialId: string): Promise<Credential | undefined> {
  if (!credentialId || credentialId.length > 1400) return undefined;
  return db.selectFrom('auth_credentials').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
}

export async function hasEnabledKey(db: Tx, userId: string): Promise<boolean> {
  const key = await db.selectFrom('auth_credentials').select('id').where('user_id', '=', userId).where('is_enabled', '=', true).limit(1).executeTakeFirst();
  return key !== undefined;
}

export async function enabledCredentials(db: Tx, userId: string): Promise<Credential[]> {
  return db
    .selectFrom('auth_credentials')
    .selectAll()
    .where('user_id', '=', userId)
    .where('is_enabled', '=', true)
    .orderBy('created_at')
    .execute();
}

export interface NewCredential {
  userId: string;
  credentialId: string;
  publicKey: Uint8Array;
  signCount: number;
  transports?: string[];
  backedUp: boolean;
  name: string;
}

export async function addCredential(tx: Tx, input: NewCredential): Promise<Credential> {
  const now = new Date().toISOString();
  const row: Credential = {
    id: randomUUID(),
    user_id: input.userId,
    credential_id: input.credentialId,
    public_key: Buffer.from(input.publicKey).toString('base64url'),
    sign_count: input.signCount,
    transports: input.transports?.length ? JSON.stringify(input.transports) : null,
    name: input.name.trim().slice(0, KEY_NAME_MAX),
    is_enabled: true,
    backed_up: input.backedUp,
    created_at: now,
    updated_at: now,
    last_used_at: null,
  };
  await tx.insertInto('auth_credentials').values(row).execute();
  return row;
}

export async function recordCredentialUse(tx: Tx, id: string, signCount: number): Promise<void> {
  const now = new Date().toISOString();
  await tx.updateTable('auth_credentials').set({ sign_count: signCount, last_used_at: now, updated_at: now }).where('id', '=', id).execute();
}

async function ownedCredential(tx: Tx, userId: string, id: string): Promise<Credential> {
  const row = await tx.selectFrom('auth_credentials').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  if (!row) throw new AuthRefused('auth.keys.not_found', 404);
  return row;
}

/** People log in with a key; staff may instead rely on their authenticator app. */
async function hasOtherLoginMeans(tx: Tx, userId: string, exceptCredentialId: string): Promise<boolean> {
  const other = await tx
    .selectFrom('auth_credentials')
    .select('id')
    .where('user_id', '=', userId)
    .where('is_enabled', '=', true)
    .where('id', '!=', exceptCredentialId)
    .limit(1)
    .executeTakeFirst();
  if (other) return true;
  const user = await tx.selectFrom('users').select(['is_staff']).where('id', '=', userId).executeTakeFirst();
  if (!user?.is_staff) return false;
  const totp = await tx.selectFrom('auth_totp_devices').select('user_id').where('user_id', '=', userId).executeTakeFirst();
  return Boolean(totp);
}

export interface KeyChangeOptions {
  /** Key managers may remove a lost last key (the person then gets a new enrolment link). */
  allowLastKey?: boolean;
}

export async function renameCredential(tx: Tx, userId: string, id: string, name: string): Promise<Credential> {
  const row = await ownedCredential(tx, userId, id);
  const clean = name.trim().slice(0, KEY_NAME_MAX);
  await tx.updateTable('auth_credentials').set({ name: clean, updated_at: new Date().toISOString() }).where('id', '=', id).execute();
  return { ...row, name: clean };
}

export async function setCredentialEnabled(
  tx: Tx,
  userId: string,
  id: string,
  enabled: boolean,
  options: KeyChangeOptions = {},
): Promise<Credential> {
  const row = await ownedCredential(tx, userId, id);
  if (!enabled && row.is_enabled && !options.allowLastKey && !(await hasOtherLoginMeans(tx, userId, id))) {
    throw new AuthRefused('auth.keys.last_key');
  }
  await tx.updateTable('auth_credentials').set({ is_enabled: enabled, updated_at: new Date().toISOString() }).where('id', '=', id).execute();
  return { ...row, is_enabled: enabled };
}

export async function deleteCredential(tx: Tx, userId: string, id: string, options: KeyChangeOptions = {}): Promise<Credential> {
  const row = await ownedCredential(tx, userId, id);
  if (row.is_enabled && !options.allowLastKey && !(await hasOtherLoginMeans(tx, userId, id))) {
    throw new AuthRefused('auth.keys.last_key');
  }
  await tx.deleteFrom('auth_credentials').where('id', '=', id).execute();
  return row;
}

/** Removes every key of a person (lost or stolen keys); returns how many went. */
export async function deleteAllCredentials(tx: Tx, userId: string): Promise<number> {
  const result = await tx.deleteFrom('auth_credentials').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function defaultKeyName(existing: number, language: 'de' | 'en'): string {
  return language === 'de' ? `Sicherheitsschlüssel ${existing + 1}` : `Security key ${existing + 1}`;
}
