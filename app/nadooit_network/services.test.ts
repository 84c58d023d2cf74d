import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { Conflict, InvalidInput, InvalidUserCode, NotFound, PermissionDenied } from '../core/errors.js';
import { makeUser } from '../nadooit_hr/testing.js';
import type { TestUser } from '../nadooit_hr/testing.js';
import { createProgramShare } from '../nadooit_program_ownership_system/services.js';
import { GROUP_MAX_MEMBERS } from './models.js';
import {
  addFriend,
  addGroupMember,
  addGuildMember,
  bookByStaff,
  createGroup,
  createGuild,
  depositToGuild,
  ensureMember,
  friendsOf,
  getInventory,
  giveShare,
  groupView,
  guildView,
  inventoryEntries,
  placeShare,
  removeFriend,
  removeGroupMember,
  removeGuildMember,
  sendMoney,
  setGuildRole,
  sharesIn,
  transferBetween,
  verifyInventories,
  withdrawFromGuild,
} from './services/index.js';
import type { Member } from './services/index.js';

const EUR = 1_000_000;
const SYSTEM = { actorUserId: null, asStaff: true } as const;

describeEachBackend('network services', (h) => {
  const db = () => h().system.context.db.kysely;
  const balance = async (m: Member) => Number((await getInventory(db(), m.inventory_id))!.balance_micro);
  async function joined(money = 0): Promise<{ user: TestUser; member: Member }> {
    const user = await makeUser(db());
    const member = await ensureMember(db(), user.id);
    if (money) await bookByStaff(db(), { ...SYSTEM, inventoryId: member.inventory_id, kind: 'credit', amountMicro: money, note: 'Start' });
    return { user, member };
  }

  it('joining is idempotent, also when two first visits race; inactive accounts cannot join', async () => {
    const user = await makeUser(db());
    const [a, b] = await Promise.all([ensureMember(db(), user.id), ensureMember(db(), user.id)]);
    assert.equal(a.id, b.id);
    assert.equal((await ensureMember(db(), user.id)).id, a.id);
    const inactive = await makeUser(db(), { is_active: false });
    await assert.rejects(ensureMember(db(), inactive.id), PermissionDenied);
  });

  it('money moves between inventories as two ledger legs; the balance is the sum of entries; exact micro-units', async () => {
    const anna = await joined(10 * EUR);
    const ben = await joined();
    const sent = await sendMoney(db(), { actorUserId: anna.user.id, toUserCode: ben.user.user_code, amountMicro: 3_333_333, note: 'Pizza' });
    assert.equal(sent.fromBalance, 6_666_667);
    assert.equal(sent.toBalance, 3_333_333);
    const [annaLeg] = await inventoryEntries(db(), anna.member.inventory_id, { limit: 1 });
    const [benLeg] = await inventoryEntries(db(), ben.member.inventory_id, { limit: 1 });
    assert.deepEqual([annaLeg!.kind, annaLeg!.amount_micro, annaLeg!.transfer_id, annaLeg!.note], ['transfer', -3_333_333, sent.transferId, 'Pizza']);
    assert.deepEqual([benLeg!.amount_micro, benLeg!.balance_after_micro, benLeg!.counterparty_inventory_id], [3_333_333, 3_333_333, anna.member.inventory_id]);
    assert.deepEqual(await verifyInventories(db()), []);
  });

  it('a transfer never makes a balance negative and a refused one writes nothing', async () => {
    const anna = await joined(1 * EUR);
    const ben = await joined();
    await assert.rejects(sendMoney(db(), { actorUserId: anna.user.id, toUserCode: ben.user.user_code, amountMicro: 1 * EUR + 1 }), Conflict);
    await assert.rejects(sendMoney(db(), { actorUserId: anna.user.id, toUserCode: ben.user.user_code, amountMicro: 0 }), InvalidInput);
    await assert.rejects(sendMoney(db(), { actorUserId: anna.user.id, toUserCode: ben.user.user_code, amountMicro: -5 }), InvalidInput);
    await assert.rejects(sendMoney(db(), { actorUserId: anna.user.id, toUserCode: anna.user.user_code, amountMicro: 1 }), InvalidInput);
    await assert.rejects(sendMoney(db(), { actorUserId: anna.user.id, toUserCode: 'NOBODY', amountMicro: 1 }), InvalidUserCode);
    assert.equal(await balance(anna.member), 1 * EUR);
    assert.equal(await balance(ben.member), 0);
    assert.equal((await inventoryEntries(db(), ben.member.inventory_id)).length, 0);
  });

  it('parallel transfers in both directions lose no money, create none and never overdraw', async () => {
    const a = await joined(5 * EUR);
    const b = await joined(5 * EUR);
    const c = await joined(0);
    const moves = Array.from({ length: 30 }, (_, i) => {
      const [from, to] = [[a, b], [b, a], [a, c], [b, c], [c, a]][i % 5]!;
      return transferBetween(db(), { fromInventoryId: from.member.inventory_id, toInventoryId: to.member.inventory_id, amountMicro: 700_000, authorUserId: null }).then(
        () => true,
        (error) => {
          assert.ok(error instanceof Conflict, String(error));
          return false;
        },
      );
    });
    await Promise.all(moves);
    const total = (await balance(a.member)) + (await balance(b.member)) + (await balance(c.member));
    assert.equal(total, 10 * EUR);
    for (const m of [a, b, c]) assert.ok((await balance(m.member)) >= 0);
    assert.deepEqual(await verifyInventories(db()), []);
  });

  it('only staff book credits and corrections; a correction needs a reason and cannot overdraw', async () => {
    const anna = await joined();
    await assert.rejects(bookByStaff(db(), { actorUserId: anna.user.id, inventoryId: anna.member.inventory_id, kind: 'credit', amountMicro: EUR }), PermissionDenied);
    await assert.rejects(bookByStaff(db(), { ...SYSTEM, inventoryId: anna.member.inventory_id, kind: 'correction', amountMicro: -EUR, note: ' ' }), InvalidInput);
    await assert.rejects(bookByStaff(db(), { ...SYSTEM, inventoryId: anna.member.inventory_id, kind: 'correction', amountMicro: -EUR, note: 'Fehler' }), Conflict);
    await assert.rejects(bookByStaff(db(), { ...SYSTEM, inventoryId: anna.member.inventory_id, kind: 'credit', amountMicro: -EUR }), InvalidInput);
    assert.equal(await balance(anna.member), 0);
  });

  it('program shares sit in one inventory at most and move only from their holder', async () => {
    const anna = await joined();
    const ben = await joined();
    const share = await createProgramShare(db(), null);
    await placeShare(db(), { ...SYSTEM, inventoryId: anna.member.inventory_id, programShareId: share.id });
    await assert.rejects(placeShare(db(), { ...SYSTEM, inventoryId: ben.member.inventory_id, programShareId: share.id }), Conflict);
    await assert.rejects(placeShare(db(), { actorUserId: anna.user.id, inventoryId: anna.member.inventory_id, programShareId: share.id }), PermissionDenied);
    await assert.rejects(giveShare(db(), { actorUserId: ben.user.id, programShareId: share.id, toUserCode: ben.user.user_code }), NotFound);
    await giveShare(db(), { actorUserId: anna.user.id, programShareId: share.id, toUserCode: ben.user.user_code });
    assert.deepEqual((await sharesIn(db(), ben.member.inventory_id)).map((s) => s.programShareId), [share.id]);
    assert.deepEqual(await sharesIn(db(), anna.member.inventory_id), []);
  });

  it('friend lists: add by user code (twice is once), mutual when both added, remove', async () => {
    const anna = await joined();
    const ben = await joined();
    await addFriend(db(), { actorUserId: anna.user.id, userCode: ben.user.user_code });
    await addFriend(db(), { actorUserId: anna.user.id, userCode: ben.user.user_code });
    assert.deepEqual((await friendsOf(db(), anna.member.id)).map((f) => [f.id, f.mutual]), [[ben.member.id, false]]);
    await addFriend(db(), { actorUserId: ben.user.id, userCode: anna.user.user_code });
    assert.equal((await friendsOf(db(), anna.member.id))[0]!.mutual, true);
    await assert.rejects(addFriend(db(), { actorUserId: anna.user.id, userCode: anna.user.user_code }), InvalidInput);
    await removeFriend(db(), { actorUserId: anna.user.id, friendMemberId: ben.member.id });
    assert.deepEqual(await friendsOf(db(), anna.member.id), []);
    await assert.rejects(removeFriend(db(), { actorUserId: anna.user.id, friendMemberId: ben.member.id }), NotFound);
  });

  it(`a group never has more than ${GROUP_MAX_MEMBERS} members, also when many join at once`, async () => {
    const owner = await joined();
    const group = await createGroup(db(), { actorUserId: owner.user.id, name: 'Stammtisch' });
    const people = await Promise.all(Array.from({ length: 14 }, () => joined()));
    const results = await Promise.allSettled(people.map((p) => addGroupMember(db(), { actorUserId: owner.user.id, groupId: group.id, userCode: p.user.user_code })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, GROUP_MAX_MEMBERS - 1);
    for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof Conflict, String(r.reason));
    const view = (await groupView(db(), group.id))!;
    assert.equal(view.members.length, GROUP_MAX_MEMBERS);
    assert.equal(view.memberCount, GROUP_MAX_MEMBERS);
    // Leaving frees a place for exactly one more.
    const leaver = people.find((p) => view.members.some((m) => m.id === p.member.id))!;
    await removeGroupMember(db(), { actorUserId: leaver.user.id, groupId: group.id, memberId: leaver.member.id });
    const outsider = people.find((p) => !view.members.some((m) => m.id === p.member.id))!;
    await addGroupMember(db(), { actorUserId: owner.user.id, groupId: group.id, userCode: outsider.user.user_code });
    await assert.rejects(addGroupMember(db(), { actorUserId: owner.user.id, groupId: group.id, userCode: leaver.user.user_code }), Conflict);
  });

  it('only the group founder adds or removes others; a member cannot join twice; the founder cannot leave', async () => {
    const owner = await joined();
    const anna = await joined();
    const ben = await joined();
    const group = await createGroup(db(), { actorUserId: owner.user.id, name: 'Team' });
    await addGroupMember(db(), { actorUserId: owner.user.id, groupId: group.id, userCode: anna.user.user_code });
    await assert.rejects(addGroupMember(db(), { actorUserId: owner.user.id, groupId: group.id, userCode: anna.user.user_code }), Conflict);
    await assert.rejects(addGroupMember(db(), { actorUserId: anna.user.id, groupId: group.id, userCode: ben.user.user_code }), PermissionDenied);
    await assert.rejects(removeGroupMember(db(), { actorUserId: anna.user.id, groupId: group.id, memberId: owner.member.id }), PermissionDenied);
    await assert.rejects(removeGroupMember(db(), { actorUserId: owner.user.id, groupId: group.id, memberId: owner.member.id }), Conflict);
    assert.equal((await groupView(db(), group.id))!.memberCount, 2, 'a refused join leaves the count as it was');
  });

  it('guild roles: the founder is admin; only admins change roles; moderators take in and remove plain members only', async () => {
    const founder = await joined();
    const mod = await joined();
    const plain = await joined();
    const other = await joined();
    const guild = await createGuild(db(), { actorUserId: founder.user.id, name: 'Gilde der Automatisierer', description: 'Bots' });
    assert.deepEqual(guild.members.map((m) => m.role), ['admin']);
    await addGuildMember(db(), { actorUserId: founder.user.id, guildId: guild.id, userCode: mod.user.user_code });
    await addGuildMember(db(), { actorUserId: founder.user.id, guildId: guild.id, userCode: plain.user.user_code });
    await assert.rejects(addGuildMember(db(), { actorUserId: plain.user.id, guildId: guild.id, userCode: other.user.user_code }), PermissionDenied);
    await assert.rejects(setGuildRole(db(), { actorUserId: plain.user.id, guildId: guild.id, memberId: plain.member.id, role: 'admin' }), PermissionDenied);
    await setGuildRole(db(), { actorUserId: founder.user.id, guildId: guild.id, memberId: mod.member.id, role: 'moderator' });
    await assert.rejects(setGuildRole(db(), { actorUserId: mod.user.id, guildId: guild.id, memberId: plain.member.id, role: 'moderator' }), PermissionDenied);
    await addGuildMember(db(), { actorUserId: mod.user.id, guildId: guild.id, userCode: other.user.user_code });
    await assert.rejects(removeGuildMember(db(), { actorUserId: mod.user.id, guildId: guild.id, memberId: founder.member.id }), PermissionDenied);
    await removeGuildMember(db(), { actorUserId: mod.user.id, guildId: guild.id, memberId: other.member.id });
    await assert.rejects(setGuildRole(db(), { actorUserId: founder.user.id, guildId: guild.id, memberId: plain.member.id, role: 'king' as never }), InvalidInput);
    // Non-members do not learn that the guild exists.
    await assert.rejects(setGuildRole(db(), { actorUserId: other.user.id, guildId: guild.id, memberId: other.member.id, role: 'admin' }), NotFound);
    const view = (await guildView(db(), guild.id))!;
    assert.deepEqual(view.members.map((m) => [m.id, m.role]), [[founder.member.id, 'admin'], [mod.member.id, 'moderator'], [plain.member.id, 'member']]);
  });

  it('a guild always keeps an admin, even when two admins demote each other at once', async () => {
    const a = await joined();
    const b = await joined();
    const guild = await createGuild(db(), { actorUserId: a.user.id, name: 'Zwei Köpfe' });
    await assert.rejects(setGuildRole(db(), { actorUserId: a.user.id, guildId: guild.id, memberId: a.member.id, role: 'member' }), Conflict);
    await assert.rejects(removeGuildMember(db(), { actorUserId: a.user.id, guildId: guild.id, memberId: a.member.id }), Conflict);
    await addGuildMember(db(), { actorUserId: a.user.id, guildId: guild.id, userCode: b.user.user_code });
    await setGuildRole(db(), { actorUserId: a.user.id, guildId: guild.id, memberId: b.member.id, role: 'admin' });
    const results = await Promise.allSettled([
      setGuildRole(db(), { actorUserId: a.user.id, guildId: guild.id, memberId: b.member.id, role: 'member' }),
      setGuildRole(db(), { actorUserId: b.user.id, guildId: guild.id, memberId: a.member.id, role: 'member' }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const admins = (await guildView(db(), guild.id))!.members.filter((m) => m.role === 'admin');
    assert.equal(admins.length, 1);
  });

  it('the guild bank: members deposit from their inventory, only admins pay out, all as ledger moves', async () => {
    const admin = await joined(2 * EUR);
    const member = await joined(3 * EUR);
    const stranger = await joined(1 * EUR);
    const guild = await createGuild(db(), { actorUserId: admin.user.id, name: 'Bank' });
    await addGuildMember(db(), { actorUserId: admin.user.id, guildId: guild.id, userCode: member.user.user_code });
    await depositToGuild(db(), { actorUserId: member.user.id, guildId: guild.id, amountMicro: 2_500_000 });
    await assert.rejects(depositToGuild(db(), { actorUserId: stranger.user.id, guildId: guild.id, amountMicro: 1 }), NotFound);
    await assert.rejects(withdrawFromGuild(db(), { actorUserId: member.user.id, guildId: guild.id, amountMicro: 1 }), PermissionDenied);
    await assert.rejects(withdrawFromGuild(db(), { actorUserId: admin.user.id, guildId: guild.id, amountMicro: 2_500_001 }), Conflict);
    await assert.rejects(withdrawFromGuild(db(), { actorUserId: admin.user.id, guildId: guild.id, amountMicro: 1, toMemberId: stranger.member.id }), NotFound);
    await withdrawFromGuild(db(), { actorUserId: admin.user.id, guildId: guild.id, amountMicro: 500_000, toMemberId: member.member.id, note: 'Prämie' });
    assert.equal((await guildView(db(), guild.id))!.bankBalanceMicro, 2_000_000);
    assert.equal(await balance(member.member), 1_000_000);
    assert.equal(await balance(stranger.member), 1 * EUR);
    assert.deepEqual(await verifyInventories(db()), []);
  });
});
