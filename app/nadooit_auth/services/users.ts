import { randomInt, randomUUID } from 'node:crypto';
import type { Tx } from '../../core/db/transaction.js';
import type { CurrentUser } from '../../core/http/types.js';
import type { UsersTable } from '../models.js';

/** No 0/O, 1/I/L (Crockford-style): codes are read off a security key and typed by hand. */
export const USER_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const USER_CODE_LENGTH = 6;
const MAX_CODE_ATTEMPTS = 20;

export type User = UsersTable;

/** A fresh code drawn uniformly with the cryptographic RNG. */
export function generateUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** What people type: surrounding and inner spaces are ignored (codes are often written as "ABC DEF"). */
export function normaliseUserCode(input: string): string {
  return input.replace(/\s+/g, '');
}

export async function findUserByCode(db: Tx, input: string): Promise<User | undefined> {
  const code = normaliseUserCode(input);
  if (!code || code.length > 64) return undefined;
  const exact = await db.selectFrom('users').selectAll().where('user_code', '=', code).executeTakeFirst();
  if (exact || code.toUpperCase() === code) return exact;
  // New codes are upper case; imported legacy codes are case-sensitive and were matched exactly above.
  return db.selectFrom('users').selectAll().where('user_code', '=', code.toUpperCase()).executeTakeFirst();
}

export async function findUserById(db: Tx, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The user with exactly this code (case-sensitive, any length — imported codes stay valid), or undefined. */
export async function findUserByExactCode(db: Tx, userCode: string): Promise<User | undefined> {
  const code = userCode.trim();
  if (!code || code.length > 64) return undefined;
  return db.selectFrom('users').selectAll().where('user_code', '=', code).executeTakeFirst();
}

/** user id → "Name (CODE)" (personTitle), for the ids that exist; one query for a whole page. */
export async function personTitlesOf(db: Tx, ids: Iterable<string | null>): Promise<Map<string, string>> {
  return namedUsers(db, ids, personTitle);
}

/** id → how the person is named (display name, else code), for the ids that exist; one query for a whole list. */
export async function namesOfUsers(db: Tx, ids: Iterable<string | null>): Promise<Map<string, string>> {
  return namedUsers(db, ids, (user) => user.display_name || user.user_code);
}

async function namedUsers(db: Tx, ids: Iterable<string | null>, name: (user: Pick<User, 'display_name' | 'user_code'>) => string): Promise<Map<string, string>> {
  const wanted = [...new Set([...ids].filter((id): id is string => id !== null))];
  if (!wanted.length) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'display_name', 'user_code']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, name(r)]));
}

export async function findUserByUsername(db: Tx, username: string): Promise<User | undefined> {
  const name = username.trim();
  if (!name || name.length > 150) return undefined;
  return db.selectFrom('users').selectAll().where('username', '=', name).executeTakeFirst();
}

/** A generated code no one has yet; a collision (31^6 ≈ 887 million codes, so rare) just draws again. */
export async function unusedUserCode(db: Tx, generate: () => string = generateUserCode): Promise<string> {
  for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt++) {
    const code = generate();
    const taken = await db.selectFrom('users').select('id').where('user_code', '=', code).executeTakeFirst();
    if (!taken) return code;
  }
  throw new Error('could not find an unused user code');
}

export interface NewUser {
  displayName: string;
  username?: string | null;
  email?: string | null;
  passwordHash?: string | null;
  isStaff?: boolean;
  isSuperuser?: boolean;
  isActive?: boolean;
  /** Only for imports of existing people; new people always get a generated code. */
  userCode?: string;
}

/** Creates a person with a generated user code (retried until unused). */
export async function createUser(tx: Tx, input: NewUser): Promise<User> {
  const now = new Date().toISOString();
  const row: User = {
    id: randomUUID(),
    user_code: input.userCode ?? (await unusedUserCode(tx)),
    display_name: input.displayName.trim(),
    username: input.username?.trim() || null,
    email: input.email?.trim() || null,
    password_hash: input.passwordHash ?? null,
    is_active: input.isActive ?? true,
    is_staff: input.isStaff ?? false,
    is_superuser: input.isSuperuser ?? false,
    last_login: null,
    created_at: now,
    updated_at: now,
  };
  await tx.insertInto('users').values(row).execute();
  return row;
}

export async function renameUser(tx: Tx, userId: string, displayName: string): Promise<void> {
  await tx
    .updateTable('users')
    .set({ display_name: displayName.trim(), updated_at: new Date().toISOString() })
    .where('id', '=', userId)
    .execute();
}

/** Stores a new password hash (e.g. argon2id replacing an imported Django hash after a login). */
export async function replacePasswordHash(tx: Tx, userId: string, passwordHash: string): Promise<void> {
  await tx.updateTable('users').set({ password_hash: passwordHash, updated_at: new Date().toISOString() }).where('id', '=', userId).execute();
}

export async function recordLogin(tx: Tx, userId: string): Promise<void> {
  await tx.updateTable('users').set({ last_login: new Date().toISOString() }).where('id', '=', userId).execute();
}

export async function staffUserExists(db: Tx): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('is_staff', '=', true).limit(1).executeTakeFirst();
  return Boolean(row);
}

/** The original showed display_name, else the username; we fall back to the code. */
export function userLabel(user: Pick<User, 'display_name' | 'username' | 'user_code'>): string {
  return user.display_name || user.username || user.user_code;
}

/** "Name (CODE)" — how admin lists and the CLI name a person (the code stands in for a missing name). */
export function personTitle(user: Pick<User, 'display_name' | 'user_code'>): string {
  return `${user.display_name || user.user_code} (${user.user_code})`;
}

export function toCurrentUser(user: User, secondFactorVerified: boolean): CurrentUser {
  return {
    id: user.id,
    displayName: userLabel(user),
    userCode: user.user_code,
    isStaff: user.is_staff,
    isSuperuser: user.is_superuser,
    secondFactorVerified: user.is_staff && secondFactorVerified,
  };
}
