import { randomBytes, randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { randomToken, safeEqual, sha256Hex } from '../../core/http/tokens.js';
import { staffAuthority } from '../../nadooit_auth/services/actor.js';
import type { Actor } from '../../core/actor.js';
import { InvalidCustomer, InvalidInput, InvalidUserCode, NotFound, PermissionDenied } from '../../core/errors.js';
import { isEmployedAt, usersEmployedAt } from '../../nadooit_hr/permissions.js';
import { customerExists, getCustomer } from '../../nadooit_crm/services.js';
import { recordSecurityEvent } from '../../nadooit_auth/services/audit.js';
import { isUuid } from '../../core/ids.js';
import type { ApiKeysTable } from '../models.js';
import '../models.js';
import { findUserById } from '../../nadooit_auth/services/users.js';
import { apiKeyManagerOf, requireManager } from './managers.js';
import { KeyCache } from './key-cache.js';
import { cachedTables, writeWatchOf } from '../../core/db/write-watch.js';

/**
 * API keys. A new key is `nadooit_<8 chars>_<43 chars base64url = 32 random bytes>`; only its SHA-256 (hex)
 * is stored, next to the visible prefix `nadooit_<8 chars>`. Keys imported from the original (SHA-256 of a
 * UUID string) verify through the same hash lookup. verifyApiKey is the one check every API route uses.
 */

/** A key as listed to people: never the hash. */
export type ApiKeyInfo = Omit<Selectable<ApiKeysTable>, 'key_hash'>;

export interface CreatedApiKey {
  id: string;
  /** The plain secret: shown once, never stored. */
  secret: string;
  prefix: string;
  name: string;
  userId: string;
  customerId: string | null;
  expiresAt: string | null;
}

const PREFIX_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
/** How often last_used_at is written for a key in steady use. */
const LAST_USED_THROTTLE_MS = 60_000;
const MAX_PRESENTED_LENGTH = 512;

function newSecret(): { secret: string; prefix: string } {
  const bytes = randomBytes(8);
  const id = Array.from(bytes, (b) => PREFIX_ALPHABET[b % PREFIX_ALPHABET.length]).join('');
  const prefix = `nadooit_${id}`;
  return { secret: `${prefix}_${randomToken(32)}`, prefix };
}

/**
 * Creates a key and returns its secret ONCE. Requires NadooitApiKeyManager.can_create_api_key (staff
 * bypass with asStaff); with `customerId` that customer must be in the manager's list. A key for another
 * person (`ownerUserId`) needs a `customerId` the owner has an active contract with.
 */
export async function createApiKey(
  db: Tx,
  input: Actor & { ownerUserId?: string; name: string; expiresAt?: string | null; customerId?: string | null },
): Promise<CreatedApiKey> {
  const name = input.name?.trim();
  if (!name) throw new InvalidInput('Bitte geben Sie dem API-Schlüssel einen Namen.');
  if (name.length > 100) throw new InvalidInput('Der Name ist zu lang (höchstens 100 Zeichen).');
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now())) throw new InvalidInput('Das Ablaufdatum muss in der Zukunft liegen.');
  return transaction(db, async (tx) => {
    const customerId = input.customerId ?? null;
    if (customerId && !(await customerExists(tx, customerId))) throw new InvalidCustomer();
    const staff = await staffAuthority(tx, input);
    const ownerUserId = input.ownerUserId ?? input.actorUserId;
    if (!ownerUserId) throw new InvalidInput('Ein API-Schlüssel braucht einen Besitzer.');
    const owner = isUuid(ownerUserId) ? await findUserById(tx, ownerUserId) : undefined;
    if (!owner) throw new InvalidUserCode();
    if (!staff) {
      await requireManager(tx, input.actorUserId!, 'can_create_api_key', customerId);
      if (ownerUserId !== input.actorUserId && !(customerId && (await isEmployedAt(tx, ownerUserId, [customerId])))) {
        throw new PermissionDenied('API-Schlüssel für andere Personen nur für einen Kunden, bei dem die Person angestellt ist.');
      }
    }
    const { secret, prefix } = newSecret();
    const id = randomUUID();
    const now = new Date().toISOString();
    await tx
      .insertInto('api_keys')
      .values({
        id,
        user_id: ownerUserId,
        key_hash: sha256Hex(secret),
        prefix,
        name,
        is_active: true,
        expires_at: expiresAt?.toISOString() ?? null,
        last_used_at: null,
        revoked_at: null,
        customer_id: customerId,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return { id, secret, prefix, name, userId: ownerUserId, customerId, expiresAt: expiresAt?.toISOString() ?? null };
  });
}

/**
 * Stores a key imported from the original: `legacyHash` is its stored SHA-256 hex of the UUID string.
 * (Staff/import path, no authorization here — call it from commands only.)
 */
export async function importLegacyApiKey(
  db: Tx,
  input: { userId: string; legacyHash: string; isActive: boolean; createdAt?: string; name?: string },
): Promise<string> {
  if (!/^[0-9a-f]{64}$/.test(input.legacyHash)) throw new InvalidInput('legacy key hash must be 64 lowercase hex digits');
  const id = randomUUID();
  const now = new Date().toISOString();
  await db
    .insertInto('api_keys')
    .values({
      id,
      user_id: input.userId,
      key_hash: input.legacyHash,
      prefix: null,
      name: input.name ?? 'Importierter Schlüssel',
      is_active: input.isActive,
      expires_at: null,
      last_used_at: null,
      revoked_at: input.isActive ? null : now,
      customer_id: null,
      created_at: input.createdAt ?? now,
      updated_at: now,
    })
    .execute();
  return id;
}

export type ApiKeyFailure = 'missing' | 'unknown' | 'revoked' | 'expired' | 'user_code_mismatch' | 'user_inactive';

export type ApiKeyVerification =
  | {
      ok: true;
      keyId: string;
      userId: string;
      customerId: string | null;
      user: { id: string; user_code: string; display_name: string; is_active: boolean };
    }
  | { ok: false; reason: ApiKeyFailure };

const DUMMY_HASH = sha256Hex('nadooit-dummy-key');

type KeyRow = NonNullable<Awaited<ReturnType<typeof lookUpKey>>>;
const keyCaches = new WeakMap<object, KeyCache<KeyRow>>();

/** Rows of keys found lately in this database (key-cache.ts): at most a second old, forgotten at once on a revocation here. */
function verifiedKeys(db: Tx): KeyCache<KeyRow> {
  const adapter = db.getExecutor().adapter; // shared by a database handle and its transactions
  let cache = keyCaches.get(adapter);
  if (!cache) keyCaches.set(adapter, (cache = new KeyCache<KeyRow>()));
  return cache;
}

/** The tables a cached key row was read from: a write to one of them in this process drops the cache. */
const KEY_TABLES = cachedTables('api_keys', 'users');

async function lookUpKey(db: Tx, hash: string) {
  return db
    .selectFrom('api_keys as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .where('k.key_hash', '=', hash)
    .select([
      'k.id',
      'k.key_hash',
      'k.is_active',
      'k.expires_at',
      'k.last_used_at',
      'k.customer_id',
      'u.id as user_id',
      'u.user_code',
      'u.display_name',
      'u.is_active as user_is_active',
    ])
    .executeTakeFirst();
}

/**
 * THE verification of a presented API key, for every API route. Does the same work (hash, one indexed
 * lookup, constant-time compares) whether the key is unknown, revoked or expired. Order of checks as in the
 * original: key → user code (only when `userCode` is given, exact and case-sensitive) → user active.
 * On success last_used_at is refreshed at most once a minute.
 */
export async function verifyApiKey(db: Tx, presented: unknown, userCode?: string | null): Promise<ApiKeyVerification> {
  if (typeof presented !== 'string' || presented.length === 0) return { ok: false, reason: 'missing' };
  const candidate = presented.length <= MAX_PRESENTED_LENGTH ? presented : '';
  const hash = sha256Hex(candidate);
  const row = await verifiedKeys(db).through(db, hash, writeWatchOf(db).generation(KEY_TABLES), () => lookUpKey(db, hash));
  const matches = safeEqual(row?.key_hash ?? DUMMY_HASH, hash) && row !== undefined && candidate !== '';
  const expired = row?.expires_at ? Date.parse(row.expires_at) <= Date.now() : false;
  const codeMatches = safeEqual(row?.user_code ?? '', userCode ?? '');
  if (!matches || !row) return { ok: false, reason: 'unknown' };
  if (!row.is_active) return { ok: false, reason: 'revoked' };
  if (expired) return { ok: false, reason: 'expired' };
  if (userCode !== undefined && !codeMatches) return { ok: false, reason: 'user_code_mismatch' };
  if (!row.user_is_active) return { ok: false, reason: 'user_inactive' };
  const now = Date.now();
  if (!row.last_used_at || Date.parse(row.last_used_at) < now - LAST_USED_THROTTLE_MS) {
    row.last_used_at = new Date(now).toISOString(); // also in the cached row, so the next call does not write again
    await db.updateTable('api_keys').set({ last_used_at: row.last_used_at }).where('id', '=', row.id).execute();
  }
  return {
    ok: true,
    keyId: row.id,
    userId: row.user_id,
    customerId: row.customer_id,
    user: { id: row.user_id, user_code: row.user_code, display_name: row.display_name, is_active: Boolean(row.user_is_active) },
  };
}

async function keyById(db: Tx, keyId: string) {
  return isUuid(keyId) ? db.selectFrom('api_keys').selectAll().where('id', '=', keyId).executeTakeFirst() : undefined;
}

/** Which active keys to revoke; `customerId: null` means the keys without a customer. */
interface RevokeWhere {
  id?: string;
  userId?: string;
  customerId?: string | null;
}

async function markRevoked(db: Tx, where: RevokeWhere, record?: (tx: Tx, count: number) => Promise<void>): Promise<number> {
  return transaction(db, async (tx, hooks) => {
    // Forgotten now and again after the commit: a verification between the two may have cached the old row.
    const cache = verifiedKeys(tx);
    cache.clear();
    hooks.afterCommit(() => cache.clear());
    const count = await revokeRows(tx, where);
    await record?.(tx, count);
    return count;
  });
}

async function revokeRows(db: Tx, where: RevokeWhere): Promise<number> {
  const now = new Date().toISOString();
  let query = db.updateTable('api_keys').set({ is_active: false, revoked_at: now, updated_at: now }).where('is_active', '=', true);
  if (where.id) query = query.where('id', '=', where.id);
  if (where.userId) query = query.where('user_id', '=', where.userId);
  if (where.customerId !== undefined) query = where.customerId === null ? query.where('customer_id', 'is', null) : query.where('customer_id', '=', where.customerId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Revokes one key. One's own key may always be revoked; another person's key needs can_delete_api_key and
 * the key's customer (or, for keys without one, a customer the owner works for on an active contract) among
 * the customers the manager's role holds for.
 */
export async function revokeApiKey(db: Tx, input: Actor & { keyId: string }): Promise<{ revoked: boolean }> {
  return transaction(db, async (tx) => {
    const key = await keyById(tx, input.keyId);
    if (!key) throw new NotFound('API-Schlüssel nicht gefunden');
    const staff = await staffAuthority(tx, input);
    if (!staff && key.user_id !== input.actorUserId) {
      const manager = await requireManager(tx, input.actorUserId!, 'can_delete_api_key');
      const inScope = key.customer_id
        ? manager.customerIds.includes(key.customer_id)
        : await isEmployedAt(tx, key.user_id, manager.customerIds);
      if (!inScope) throw new PermissionDenied('Dieser API-Schlüssel gehört nicht zu Ihren Kunden.');
    }
    return { revoked: (await markRevoked(tx, { id: key.id })) > 0 };
  });
}

/** "Lösche alle API Keys": revokes every active key of the user; returns how many. */
/** Names compared as people type them: spaces trimmed and collapsed, case ignored. */
function sameName(typed: string, name: string): boolean {
  const norm = (v: string) => v.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('de');
  return norm(typed) !== '' && norm(typed) === norm(name);
}

/**
 * "Delete all keys": revokes every active key of the actor for one customer (or those without a customer),
 * after the actor typed that customer's name (their own display name for keys without one) — a mismatch is a
 * field error on `confirmation`. Recorded in the security audit log (`api_keys_revoked_all`) in the same
 * transaction. Returns how many keys were revoked.
 */
export async function revokeAllOwnApiKeys(
  db: Tx,
  input: Actor & { customerId: string | null; confirmation: string; origin?: { ip: string | null; userAgent: string | null } },
): Promise<number> {
  const userId = input.actorUserId;
  if (userId === null) throw new PermissionDenied();
  const expected = input.customerId === null ? (await findUserById(db, userId))?.display_name : (await getCustomer(db, input.customerId))?.name;
  if (expected === undefined) throw new InvalidCustomer();
  if (!sameName(input.confirmation, expected)) {
    throw new InvalidInput(`Bitte geben Sie zur Bestätigung „${expected}“ ein.`, { field: 'confirmation' });
  }
  const detail = { customer_id: input.customerId };
  return markRevoked(db, { userId, customerId: input.customerId }, (tx, count) =>
    recordSecurityEvent(tx, { event: 'api_keys_revoked_all', userId, actorId: userId, ...input.origin, detail: { ...detail, count } }),
  );
}

/** The user's keys, newest first, without hashes. */
export async function listApiKeys(db: Tx, userId: string): Promise<ApiKeyInfo[]> {
  return db
    .selectFrom('api_keys')
    .select(['id', 'user_id', 'prefix', 'name', 'is_active', 'expires_at', 'last_used_at', 'revoked_at', 'customer_id', 'created_at', 'updated_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
}

/**
 * Keys an API-key manager may revoke, newest first, without hashes: keys of the customers their role holds for,
 * and keys without customer of people working for one of them on an active contract.
 */
export async function apiKeysManagedBy(db: Tx, userId: string): Promise<Array<ApiKeyInfo & { user_code: string; display_name: string }>> {
  const manager = await apiKeyManagerOf(db, userId);
  if (!manager?.abilities.includes('can_delete_api_key') || !manager.customerIds.length) return [];
  const ids = manager.customerIds;
  return db
    .selectFrom('api_keys as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .where((eb) =>
      eb.or([
        eb('k.customer_id', 'in', ids),
        eb.and([eb('k.customer_id', 'is', null), eb('k.user_id', 'in', usersEmployedAt(db, ids))]),
      ]),
    )
    .select(['k.id', 'k.user_id', 'k.prefix', 'k.name', 'k.is_active', 'k.expires_at', 'k.last_used_at', 'k.revoked_at', 'k.customer_id', 'k.created_at', 'k.updated_at', 'u.user_code', 'u.display_name'])
    .orderBy('k.created_at', 'desc')
    .execute();
}
