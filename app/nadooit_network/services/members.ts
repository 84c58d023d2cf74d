import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { InvalidUserCode, NotFound, PermissionDenied } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import { findUserByCode, findUserById, namesOfUsers } from '../../nadooit_auth/services/users.js';
import type { NetMembersTable } from '../models.js';
import { openInventory } from './inventory.js';
import '../models.js';

export type Member = Selectable<NetMembersTable>;

/** A member as others see them: the person's name (display name, else user code). */
export interface MemberView {
  id: string;
  userId: string;
  name: string;
}

export async function memberOfUser(db: Tx, userId: string): Promise<Member | undefined> {
  if (!isUuid(userId)) return undefined;
  return db.selectFrom('net_members').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export async function memberById(db: Tx, memberId: string): Promise<Member | undefined> {
  if (!isUuid(memberId)) return undefined;
  return db.selectFrom('net_members').selectAll().where('id', '=', memberId).executeTakeFirst();
}

/**
 * The user's membership, created with an empty inventory on first use (joining the network is opening the
 * page or calling the API). Only active accounts join. Two first calls at once create one member.
 */
export async function ensureMember(db: Tx, userId: string): Promise<Member> {
  const existing = await memberOfUser(db, userId);
  if (existing) return existing;
  const user = isUuid(userId) ? await findUserById(db, userId) : undefined;
  if (!user?.is_active) throw new PermissionDenied('Nur aktive Benutzer können dem Netzwerk beitreten.');
  return transaction(db, async (tx) => {
    const inventoryId = await openInventory(tx, 'member');
    const member = { id: randomUUID(), user_id: userId, inventory_id: inventoryId, created_at: new Date().toISOString() };
    const inserted = await tx.insertInto('net_members').values(member).onConflict((oc) => oc.column('user_id').doNothing()).returningAll().executeTakeFirst();
    if (inserted) return inserted;
    // Someone else joined this user a moment ago: drop our inventory, use theirs.
    await tx.deleteFrom('net_inventories').where('id', '=', inventoryId).execute();
    return (await memberOfUser(tx, userId))!;
  });
}

/** The member behind the caller; 403 for users who have not joined (pages and API call ensureMember first). */
export async function requireMember(db: Tx, userId: string | null): Promise<Member> {
  const member = userId ? await memberOfUser(db, userId) : undefined;
  if (!member) throw new PermissionDenied('Sie sind noch kein Mitglied des NADOOIT Netzwerks.');
  return member;
}

/** The member a user code names (they join on first mention, so friends can be added before their first visit). */
export async function memberByUserCode(db: Tx, userCode: string): Promise<Member> {
  const user = await findUserByCode(db, userCode ?? '');
  if (!user?.is_active) throw new InvalidUserCode();
  return ensureMember(db, user.id);
}

export async function memberOrNotFound(db: Tx, memberId: string): Promise<Member> {
  const member = await memberById(db, memberId);
  if (!member) throw new NotFound('Mitglied nicht gefunden');
  return member;
}

/** Members by id with their names, in the order given; unknown ids are left out. */
export async function memberViews(db: Tx, memberIds: readonly string[]): Promise<MemberView[]> {
  const ids = [...new Set(memberIds.filter(isUuid))];
  if (!ids.length) return [];
  const rows = await db.selectFrom('net_members').select(['id', 'user_id']).where('id', 'in', ids).execute();
  const names = await namesOfUsers(db, rows.map((r) => r.user_id));
  const byId = new Map(rows.map((r) => [r.id, { id: r.id, userId: r.user_id, name: names.get(r.user_id) ?? r.user_id }]));
  return memberIds.map((id) => byId.get(id)).filter((m): m is MemberView => m !== undefined);
}
