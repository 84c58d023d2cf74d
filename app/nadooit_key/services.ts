import { randomUUID } from 'node:crypto';
import type { Tx } from '../core/db/transaction.js';
import type { CurrentUser } from '../core/http/types.js';
import { recordSecurityEvent } from '../nadooit_auth/services/audit.js';
import type { RequestOrigin } from '../nadooit_auth/services/audit.js';
import { deleteAllCredentials, deleteCredential, listCredentials, renameCredential, setCredentialEnabled } from '../nadooit_auth/services/credentials.js';
import type { Credential } from '../nadooit_auth/services/credentials.js';
import { AuthRefused } from '../nadooit_auth/services/errors.js';
import { revokeAllUserSessions } from '../core/http/sessions.js';
import { issueEnrolmentToken } from '../nadooit_auth/services/tokens.js';
import type { IssuedToken } from '../nadooit_auth/services/tokens.js';
import { createUser, findUserByCode, findUserById, renameUser } from '../nadooit_auth/services/users.js';
import type { User } from '../nadooit_auth/services/users.js';
import { activeCustomersOf, isEmployedAt, usersEmployedAt } from '../nadooit_hr/permissions.js';
import { ensureContract } from '../nadooit_hr/services/contracts.js';
import { customerExists } from '../nadooit_crm/services.js';
import { getOrCreateEmployee } from '../nadooit_hr/services/employees.js';
import { KEY_ABILITIES } from './models.js';
import type { KeyManagersTable } from './models.js';
import { listPeopleWithKeyCounts } from '../nadooit_auth/services/people.js';
import type { PeopleFilter, PersonRow } from '../nadooit_auth/services/people.js';

export { KEY_ABILITIES };
export type KeyAbility = (typeof KEY_ABILITIES)[number];
export type KeyAbilities = Record<KeyAbility, boolean>;
export type KeyManager = KeyManagersTable;

/** Who acts: the signed-in person (superusers with a verified second factor hold every ability). */
export type KeyActor = Pick<CurrentUser, 'id' | 'isStaff' | 'isSuperuser' | 'secondFactorVerified'>;

/** Staff or superusers who passed their second factor in this session. */
export function isVerifiedStaff(actor: KeyActor): boolean {
  return (actor.isStaff || actor.isSuperuser) && actor.secondFactorVerified;
}

/**
 * Whom a key manager reaches (lists, registers, gives links to, manages keys and key-manager roles of).
 * Verified staff: everyone. Everybody else: the people who work on an active contract for a customer the
 * manager works for on an active contract — the customers the manager "manages". Both sides go through hr's
 * one rule (`activeCustomersOf`, `usersEmployedAt`), so the reach ends when the manager's contract, the
 * person's contract or either account is deactivated.
 */
export type Reach = { everyone: true } | { everyone: false; customerIds: string[] };

export async function reachOf(db: Tx, actor: KeyActor): Promise<Reach> {
  if (isVerifiedStaff(actor)) return { everyone: true };
  return { everyone: false, customerIds: await activeCustomersOf(db, actor.id) };
}

async function reaches(db: Tx, actor: KeyActor, userId: string): Promise<boolean> {
  const reach = await reachOf(db, actor);
  return reach.everyone || (await isEmployedAt(db, userId, reach.customerIds));
}

const NONE: KeyAbilities = Object.fromEntries(KEY_ABILITIES.map((a) => [a, false])) as KeyAbilities;
const ALL: KeyAbilities = Object.fromEntries(KEY_ABILITIES.map((a) => [a, true])) as KeyAbilities;

export function abilitiesOf(row: Pick<KeyManager, KeyAbility> | undefined): KeyAbilities {
  return row ? (Object.fromEntries(KEY_ABILITIES.map((a) => [a, row[a]])) as KeyAbilities) : { ...NONE };
}

export async function findKeyManagerByUser(db: Tx, userId: string): Promise<KeyManager | undefined> {
  return db.selectFrom('key_managers').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** The actor's abilities; null when the actor is no key manager at all. */
export async function keyAbilitiesOf(db: Tx, actor: KeyActor): Promise<KeyAbilities | null> {
  if (actor.isSuperuser && actor.secondFactorVerified) return { ...ALL };
  const row = await findKeyManagerByUser(db, actor.id);
  return row ? abilitiesOf(row) : null;
}

export async function requireAbility(db: Tx, actor: KeyActor, ability: KeyAbility): Promise<KeyAbilities> {
  const abilities = await keyAbilitiesOf(db, actor);
  if (!abilities?.[ability]) throw new AuthRefused(`key.refused.${ability}`, 403);
  return abilities;
}

export function hasAnyKeyAbility(abilities: KeyAbilities | null, kind: 'keys' | 'managers'): boolean {
  if (!abilities) return false;
  return kind === 'keys'
    ? abilities.can_create_keys || abilities.can_update_keys || abilities.can_delete_keys
    : abilities.can_create_key_managers || abilities.can_update_key_managers || abilities.can_delete_key_managers;
}

/**
 * Key managers look after the people they reach; people out of reach do not exist for them (404). Staff
 * accounts and their own account are managed elsewhere.
 */
async function managedPerson(tx: Tx, actor: KeyActor, personId: string): Promise<User> {
  const person = await findUserById(tx, personId);
  if (!person) throw new AuthRefused('key.person.not_found', 404);
  if (person.id === actor.id) throw new AuthRefused('key.person.self', 403);
  if (!(await reaches(tx, actor, person.id))) throw new AuthRefused('key.person.not_found', 404);
  if (person.is_staff || person.is_superuser) throw new AuthRefused('key.person.staff', 403);
  return person;
}

export interface Registration {
  user: User;
  enrolment: IssuedToken;
}

/** Writes `enrolment_link_created` for a link (never the token): the person sees it on their keys page. */
export async function recordEnrolmentLink(tx: Tx, actorId: string | null, enrolment: IssuedToken, origin?: RequestOrigin): Promise<void> {
  const { row } = enrolment;
  const detail = { link: row.id, first_key_only: row.first_key_only, expires_at: row.expires_at };
  await recordSecurityEvent(tx, { event: 'enrolment_link_created', userId: row.user_id, actorId, detail, ...origin });
}

/**
 * Who may give a person an enrolment link: a key manager only for a person without any key, and that link
 * adds only the first key (it stops working once the person has one). A further key needs the person
 * themselves (signed in, /auth/keys) or verified staff, whose links also work for a person with keys.
 */
async function issueLink(tx: Tx, actor: KeyActor, person: User, origin?: RequestOrigin): Promise<IssuedToken> {
  const staff = isVerifiedStaff(actor);
  if (!staff && (await listCredentials(tx, person.id)).length > 0) throw new AuthRefused('key.link.has_key', 403);
  const enrolment = await issueEnrolmentToken(tx, person.id, actor.id, new Date(), { firstKeyOnly: !staff });
  await recordEnrolmentLink(tx, actor.id, enrolment, origin);
  return enrolment;
}

/**
 * can_create_keys: a new person with a generated code and a one-time enrolment link (24 h), employed (active
 * contract) at `customerId`, which must be one of the customers the manager reaches. Verified staff may pick
 * any customer or none.
 */
export async function registerPerson(
  tx: Tx,
  actor: KeyActor,
  input: { displayName: string; email?: string | null; customerId?: string | null; origin?: RequestOrigin },
): Promise<Registration & { customerId: string | null }> {
  await requireAbility(tx, actor, 'can_create_keys');
  const reach = await reachOf(tx, actor);
  const customerId = input.customerId || null;
  const allowed = customerId ? reach.everyone || reach.customerIds.includes(customerId) : reach.everyone;
  if (!allowed || (customerId && !(await customerExists(tx, customerId)))) throw new AuthRefused('key.register.customer_refused', 403);
  const user = await createUser(tx, { displayName: input.displayName, email: input.email ?? null });
  if (customerId) await ensureContract(tx, (await getOrCreateEmployee(tx, user.id)).id, customerId);
  return { user, enrolment: await issueLink(tx, actor, user, input.origin), customerId };
}

/** can_update_keys: a fresh enrolment link for a person in reach — for their first key (see issueLink). */
export async function newEnrolmentLink(tx: Tx, actor: KeyActor, personId: string, origin?: RequestOrigin): Promise<Registration> {
  await requireAbility(tx, actor, 'can_update_keys');
  const user = await managedPerson(tx, actor, personId);
  return { user, enrolment: await issueLink(tx, actor, user, origin) };
}

/** can_update_keys */
export async function renamePerson(tx: Tx, actor: KeyActor, personId: string, displayName: string): Promise<User> {
  await requireAbility(tx, actor, 'can_update_keys');
  const person = await managedPerson(tx, actor, personId);
  await renameUser(tx, person.id, displayName);
  return { ...person, display_name: displayName.trim() };
}

/** can_update_keys */
export async function renamePersonKey(tx: Tx, actor: KeyActor, personId: string, keyId: string, name: string): Promise<Credential> {
  await requireAbility(tx, actor, 'can_update_keys');
  const person = await managedPerson(tx, actor, personId);
  return renameCredential(tx, person.id, keyId, name);
}

/** Disabling a (possibly lost) key needs can_delete_keys; enabling it again needs can_update_keys. */
export async function setPersonKeyEnabled(tx: Tx, actor: KeyActor, personId: string, keyId: string, enabled: boolean): Promise<Credential> {
  await requireAbility(tx, actor, enabled ? 'can_update_keys' : 'can_delete_keys');
  const person = await managedPerson(tx, actor, personId);
  const key = await setCredentialEnabled(tx, person.id, keyId, enabled, { allowLastKey: true });
  if (!enabled) await revokeAllUserSessions(tx, person.id);
  return key;
}

/** can_delete_keys */
export async function deletePersonKey(tx: Tx, actor: KeyActor, personId: string, keyId: string): Promise<Credential> {
  await requireAbility(tx, actor, 'can_delete_keys');
  const person = await managedPerson(tx, actor, personId);
  const key = await deleteCredential(tx, person.id, keyId, { allowLastKey: true });
  await revokeAllUserSessions(tx, person.id);
  return key;
}

/** can_delete_keys: removes every key and signs the person out everywhere (lost or stolen keys). */
export async function resetPersonKeys(tx: Tx, actor: KeyActor, personId: string): Promise<number> {
  await requireAbility(tx, actor, 'can_delete_keys');
  const person = await managedPerson(tx, actor, personId);
  const removed = await deleteAllCredentials(tx, person.id);
  await revokeAllUserSessions(tx, person.id);
  return removed;
}

/** The people (not staff) the actor reaches, for the key managers' list, searched by code or name. */
export async function listPeople(db: Tx, actor: KeyActor, options: Omit<PeopleFilter, 'among'> = {}): Promise<PersonRow[]> {
  const reach = await reachOf(db, actor);
  if (reach.everyone) return listPeopleWithKeyCounts(db, options);
  if (!reach.customerIds.length) return [];
  return listPeopleWithKeyCounts(db, { ...options, among: usersEmployedAt(db, reach.customerIds) });
}

export async function personWithKeys(db: Tx, actor: KeyActor, personId: string): Promise<{ person: User; keys: Credential[] }> {
  const person = await managedPerson(db, actor, personId);
  return { person, keys: await listCredentials(db, person.id) };
}

export interface ManagerRow extends KeyManager {
  user_code: string;
  display_name: string;
}

/** The key managers the actor reaches (and the actor's own role), by name. */
export async function listKeyManagers(db: Tx, actor: KeyActor): Promise<ManagerRow[]> {
  const reach = await reachOf(db, actor);
  let query = db
    .selectFrom('key_managers')
    .innerJoin('users', 'users.id', 'key_managers.user_id')
    .selectAll('key_managers')
    .select(['users.user_code', 'users.display_name']);
  if (!reach.everyone) {
    const ids = reach.customerIds;
    query = query.where((eb) => eb.or([eb('users.id', '=', actor.id), ...(ids.length ? [eb('users.id', 'in', usersEmployedAt(db, ids))] : [])]));
  }
  return query.orderBy('users.display_name').execute();
}

/** Nobody hands out more than they hold; staff superusers hold everything. */
function assertWithin(granting: Partial<KeyAbilities>, holder: KeyAbilities): void {
  for (const ability of KEY_ABILITIES) {
    if (granting[ability] && !holder[ability]) throw new AuthRefused('key.managers.beyond_own', 403);
  }
}

/** can_create_key_managers: makes the person with `userCode` a key manager with (a subset of) the actor's abilities. */
export async function appointKeyManager(tx: Tx, actor: KeyActor, input: { userCode: string; abilities: Partial<KeyAbilities> }): Promise<KeyManager> {
  const own = await requireAbility(tx, actor, 'can_create_key_managers');
  assertWithin(input.abilities, own);
  const user = await findUserByCode(tx, input.userCode);
  if (!user?.is_active) throw new AuthRefused('key.person.not_found', 404);
  if (user.id === actor.id) throw new AuthRefused('key.person.self', 403);
  if (!(await reaches(tx, actor, user.id))) throw new AuthRefused('key.person.not_found', 404);
  if (await findKeyManagerByUser(tx, user.id)) throw new AuthRefused('key.managers.already', 409);
  const now = new Date().toISOString();
  const row: KeyManager = {
    id: randomUUID(),
    user_id: user.id,
    ...abilitiesOf(undefined),
    ...pickAbilities(input.abilities),
    appointed_by: actor.id,
    created_at: now,
    updated_at: now,
  };
  await tx.insertInto('key_managers').values(row).execute();
  return row;
}

function pickAbilities(input: Partial<KeyAbilities>): KeyAbilities {
  return Object.fromEntries(KEY_ABILITIES.map((a) => [a, input[a] === true])) as KeyAbilities;
}

async function otherManager(tx: Tx, actor: KeyActor, managerId: string): Promise<KeyManager> {
  const row = await tx.selectFrom('key_managers').selectAll().where('id', '=', managerId).executeTakeFirst();
  if (!row) throw new AuthRefused('key.managers.not_found', 404);
  if (row.user_id === actor.id) throw new AuthRefused('key.person.self', 403);
  if (!(await reaches(tx, actor, row.user_id))) throw new AuthRefused('key.managers.not_found', 404);
  return row;
}

/**
 * can_update_key_managers: sets another manager's abilities. Abilities the actor does not hold keep
 * their current value, so nobody widens or narrows powers they do not have themselves.
 */
export async function updateKeyManager(tx: Tx, actor: KeyActor, managerId: string, abilities: Partial<KeyAbilities>): Promise<KeyManager> {
  const own = await requireAbility(tx, actor, 'can_update_key_managers');
  const row = await otherManager(tx, actor, managerId);
  const wanted = pickAbilities(abilities);
  const next = Object.fromEntries(KEY_ABILITIES.map((a) => [a, own[a] ? wanted[a] : row[a]])) as KeyAbilities;
  await tx.updateTable('key_managers').set({ ...next, updated_at: new Date().toISOString() }).where('id', '=', managerId).execute();
  return { ...row, ...next };
}

/** can_delete_key_managers */
export async function removeKeyManager(tx: Tx, actor: KeyActor, managerId: string): Promise<KeyManager> {
  await requireAbility(tx, actor, 'can_delete_key_managers');
  const row = await otherManager(tx, actor, managerId);
  await tx.deleteFrom('key_managers').where('id', '=', managerId).execute();
  return row;
}

/** For the CLI and staff tooling (no actor checks): make a person a key manager or change their abilities. */
export async function grantKeyManager(tx: Tx, userId: string, abilities: Partial<KeyAbilities>): Promise<KeyManager> {
  const now = new Date().toISOString();
  const existing = await findKeyManagerByUser(tx, userId);
  const values = pickAbilities(abilities);
  if (existing) {
    await tx.updateTable('key_managers').set({ ...values, updated_at: now }).where('id', '=', existing.id).execute();
    return { ...existing, ...values, updated_at: now };
  }
  const row: KeyManager = { id: randomUUID(), user_id: userId, ...values, appointed_by: null, created_at: now, updated_at: now };
  await tx.insertInto('key_managers').values(row).execute();
  return row;
}
