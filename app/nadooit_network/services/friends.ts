import { randomUUID } from 'node:crypto';
import type { Tx } from '../../core/db/transaction.js';
import { InvalidInput, NotFound } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import { memberByUserCode, memberViews, requireMember } from './members.js';
import type { MemberView } from './members.js';
import '../models.js';

export interface Friend extends MemberView {
  /** They have the caller on their list too. */
  mutual: boolean;
}

/** Puts the member named by `userCode` on the caller's friend list (adding twice changes nothing). */
export async function addFriend(db: Tx, input: { actorUserId: string; userCode: string }): Promise<Friend> {
  const me = await requireMember(db, input.actorUserId);
  const friend = await memberByUserCode(db, input.userCode);
  if (friend.id === me.id) throw new InvalidInput('Sie können sich nicht selbst als Freund hinzufügen.', { field: 'user_code' });
  await db
    .insertInto('net_friends')
    .values({ id: randomUUID(), member_id: me.id, friend_member_id: friend.id, created_at: new Date().toISOString() })
    .onConflict((oc) => oc.columns(['member_id', 'friend_member_id']).doNothing())
    .execute();
  return (await friendsOf(db, me.id)).find((f) => f.id === friend.id)!;
}

export async function removeFriend(db: Tx, input: { actorUserId: string; friendMemberId: string }): Promise<void> {
  const me = await requireMember(db, input.actorUserId);
  const removed = isUuid(input.friendMemberId)
    ? await db.deleteFrom('net_friends').where('member_id', '=', me.id).where('friend_member_id', '=', input.friendMemberId).executeTakeFirst()
    : undefined;
  if (!removed || Number(removed.numDeletedRows) === 0) throw new NotFound('Nicht auf Ihrer Freundesliste');
}

/** The member's friend list, by name. */
export async function friendsOf(db: Tx, memberId: string): Promise<Friend[]> {
  const rows = await db.selectFrom('net_friends').select('friend_member_id').where('member_id', '=', memberId).execute();
  const back = await db.selectFrom('net_friends').select('member_id').where('friend_member_id', '=', memberId).execute();
  const mutual = new Set(back.map((r) => r.member_id));
  const views = await memberViews(db, rows.map((r) => r.friend_member_id));
  return views.map((v) => ({ ...v, mutual: mutual.has(v.id) })).sort((a, b) => a.name.localeCompare(b.name, 'de'));
}
