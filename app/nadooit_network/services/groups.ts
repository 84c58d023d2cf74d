import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { Conflict, InvalidInput, NotFound, PermissionDenied } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import { GROUP_MAX_MEMBERS } from '../models.js';
import type { NetGroupsTable } from '../models.js';
import { memberByUserCode, memberViews, requireMember } from './members.js';
import type { MemberView } from './members.js';

/**
 * Groups of at most GROUP_MAX_MEMBERS. The limit holds under any concurrency because a join first raises
 * the group's member_count with a conditional UPDATE (`member_count < 10`, also a CHECK) — the row lock
 * serialises joins, and a join that finds the group full changes nothing.
 */

export type Group = Selectable<NetGroupsTable>;

export interface GroupView {
  id: string;
  name: string;
  createdByMemberId: string;
  memberCount: number;
  members: MemberView[];
  createdAt: string;
}

function groupName(name: string | undefined): string {
  const value = (name ?? '').trim();
  if (!value || value.length > 100) throw new InvalidInput('Bitte einen Gruppennamen mit höchstens 100 Zeichen angeben.', { field: 'name' });
  return value;
}

async function groupOrNotFound(db: Tx, groupId: string): Promise<Group> {
  const group = isUuid(groupId) ? await db.selectFrom('net_groups').selectAll().where('id', '=', groupId).executeTakeFirst() : undefined;
  if (!group) throw new NotFound('Gruppe nicht gefunden');
  return group;
}

/** Adds a member in `tx`: 409 when the group is full or they already belong to it. */
async function join(tx: Tx, groupId: string, memberId: string): Promise<void> {
  const counted = await tx
    .updateTable('net_groups')
    .set({ member_count: sql`member_count + 1`, updated_at: new Date().toISOString() })
    .where('id', '=', groupId)
    .where('member_count', '<', GROUP_MAX_MEMBERS)
    .returning('id')
    .executeTakeFirst();
  if (!counted) {
    await groupOrNotFound(tx, groupId);
    throw new Conflict(`Eine Gruppe hat höchstens ${GROUP_MAX_MEMBERS} Mitglieder.`);
  }
  const inserted = await tx
    .insertInto('net_group_members')
    .values({ id: randomUUID(), group_id: groupId, member_id: memberId, created_at: new Date().toISOString() })
    .onConflict((oc) => oc.columns(['group_id', 'member_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) throw new Conflict('Dieses Mitglied gehört bereits zur Gruppe.');
}

/** A new group with the caller as its creator and first member. */
export async function createGroup(db: Tx, input: { actorUserId: string; name: string }): Promise<GroupView> {
  const me = await requireMember(db, input.actorUserId);
  const name = groupName(input.name);
  const id = randomUUID();
  await transaction(db, async (tx) => {
    const now = new Date().toISOString();
    await tx.insertInto('net_groups').values({ id, name, created_by_member_id: me.id, member_count: 0, created_at: now, updated_at: now }).execute();
    await join(tx, id, me.id);
  });
  return (await groupView(db, id))!;
}

/** The group's creator adds a member by user code (409 when the group already has ten). */
export async function addGroupMember(db: Tx, input: { actorUserId: string; groupId: string; userCode: string }): Promise<GroupView> {
  const me = await requireMember(db, input.actorUserId);
  const group = await groupOrNotFound(db, input.groupId);
  if (group.created_by_member_id !== me.id) throw new PermissionDenied('Nur wer die Gruppe gegründet hat, nimmt Mitglieder auf.');
  const member = await memberByUserCode(db, input.userCode);
  await transaction(db, (tx) => join(tx, group.id, member.id));
  return (await groupView(db, group.id))!;
}

/** A member leaves, or the creator removes someone. The creator cannot leave (they delete the group instead). */
export async function removeGroupMember(db: Tx, input: { actorUserId: string; groupId: string; memberId: string }): Promise<void> {
  const me = await requireMember(db, input.actorUserId);
  const group = await groupOrNotFound(db, input.groupId);
  if (input.memberId !== me.id && group.created_by_member_id !== me.id) throw new PermissionDenied('Nur wer die Gruppe gegründet hat, entfernt Mitglieder.');
  if (input.memberId === group.created_by_member_id) throw new Conflict('Wer die Gruppe gegründet hat, kann sie nur löschen, nicht verlassen.');
  await transaction(db, async (tx) => {
    const removed = isUuid(input.memberId)
      ? await tx.deleteFrom('net_group_members').where('group_id', '=', group.id).where('member_id', '=', input.memberId).executeTakeFirst()
      : undefined;
    if (!removed || Number(removed.numDeletedRows) === 0) throw new NotFound('Kein Mitglied dieser Gruppe');
    await tx.updateTable('net_groups').set({ member_count: sql`member_count - 1`, updated_at: new Date().toISOString() }).where('id', '=', group.id).execute();
  });
}

export async function deleteGroup(db: Tx, input: { actorUserId: string; groupId: string }): Promise<void> {
  const me = await requireMember(db, input.actorUserId);
  const group = await groupOrNotFound(db, input.groupId);
  if (group.created_by_member_id !== me.id) throw new PermissionDenied('Nur wer die Gruppe gegründet hat, kann sie löschen.');
  await db.deleteFrom('net_groups').where('id', '=', group.id).execute();
}

export async function groupView(db: Tx, groupId: string): Promise<GroupView | undefined> {
  const group = isUuid(groupId) ? await db.selectFrom('net_groups').selectAll().where('id', '=', groupId).executeTakeFirst() : undefined;
  if (!group) return undefined;
  const rows = await db.selectFrom('net_group_members').select('member_id').where('group_id', '=', groupId).orderBy('created_at').orderBy('id').execute();
  return {
    id: group.id,
    name: group.name,
    createdByMemberId: group.created_by_member_id,
    memberCount: Number(group.member_count),
    members: await memberViews(db, rows.map((r) => r.member_id)),
    createdAt: group.created_at,
  };
}

/** The groups the member belongs to, by name. */
export async function groupsOf(db: Tx, memberId: string): Promise<GroupView[]> {
  const rows = await db.selectFrom('net_group_members').select('group_id').where('member_id', '=', memberId).execute();
  const views = await Promise.all(rows.map((r) => groupView(db, r.group_id)));
  return views.filter((g): g is GroupView => g !== undefined).sort((a, b) => a.name.localeCompare(b.name, 'de'));
}

/** The group if the caller belongs to it (404 otherwise: others' groups are not disclosed). */
export async function groupOfMember(db: Tx, input: { actorUserId: string; groupId: string }): Promise<GroupView> {
  const me = await requireMember(db, input.actorUserId);
  const view = await groupView(db, input.groupId);
  if (!view || !view.members.some((m) => m.id === me.id)) throw new NotFound('Gruppe nicht gefunden');
  return view;
}
