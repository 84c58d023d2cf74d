import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { Conflict, InvalidInput, NotFound, PermissionDenied } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import { GUILD_ROLES } from '../models.js';
import type { GuildRole, NetGuildsTable } from '../models.js';
import { getInventory, openInventory, transferBetween } from './inventory.js';
import type { TransferResult } from './inventory.js';
import { memberById, memberByUserCode, memberViews, requireMember } from './members.js';
import type { Member, MemberView } from './members.js';

/**
 * Guilds: members with a role (member < moderator < admin) and a bank (an inventory of the guild).
 * Rules: only admins change roles and pay out of the bank; admins and moderators take members in;
 * moderators remove plain members, admins anyone; everyone may leave; a guild always keeps an admin.
 * Every membership change first locks the guild row, so two admins demoting each other at once cannot
 * leave a guild without one (the second sees the first's change).
 */

export type Guild = Selectable<NetGuildsTable>;

export interface GuildMemberView extends MemberView {
  role: GuildRole;
}

export interface GuildView {
  id: string;
  name: string;
  description: string | null;
  bankInventoryId: string;
  bankBalanceMicro: number;
  currency: string;
  members: GuildMemberView[];
  createdAt: string;
}

const RANK: Record<GuildRole, number> = { member: 0, moderator: 1, admin: 2 };

export function isGuildRole(value: unknown): value is GuildRole {
  return typeof value === 'string' && (GUILD_ROLES as readonly string[]).includes(value);
}

function guildText(input: { name: string; description?: string | null }): { name: string; description: string | null } {
  const name = (input.name ?? '').trim();
  if (!name || name.length > 100) throw new InvalidInput('Bitte einen Gildennamen mit höchstens 100 Zeichen angeben.', { field: 'name' });
  const description = input.description?.trim() || null;
  if (description && description.length > 2000) throw new InvalidInput('Die Beschreibung ist zu lang (höchstens 2000 Zeichen).', { field: 'description' });
  return { name, description };
}

/** Locks the guild row for the rest of the transaction (a no-op UPDATE) and returns it; 404 if unknown. */
async function lockGuild(tx: Tx, guildId: string): Promise<Guild> {
  const guild = isUuid(guildId)
    ? await tx.updateTable('net_guilds').set({ updated_at: new Date().toISOString() }).where('id', '=', guildId).returningAll().executeTakeFirst()
    : undefined;
  if (!guild) throw new NotFound('Gilde nicht gefunden');
  return guild;
}

async function roleIn(tx: Tx, guildId: string, memberId: string): Promise<GuildRole | undefined> {
  const row = await tx.selectFrom('net_guild_members').select('role').where('guild_id', '=', guildId).where('member_id', '=', memberId).executeTakeFirst();
  return row?.role;
}

async function adminCount(tx: Tx, guildId: string): Promise<number> {
  const row = await tx
    .selectFrom('net_guild_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('guild_id', '=', guildId)
    .where('role', '=', 'admin')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The caller's role in a guild they belong to; 404 for guilds they are not in (not disclosed). */
async function callerRole(tx: Tx, guildId: string, me: Member): Promise<GuildRole> {
  const role = isUuid(guildId) ? await roleIn(tx, guildId, me.id) : undefined;
  if (!role) throw new NotFound('Gilde nicht gefunden');
  return role;
}

export async function createGuild(db: Tx, input: { actorUserId: string; name: string; description?: string | null }): Promise<GuildView> {
  const me = await requireMember(db, input.actorUserId);
  const text = guildText(input);
  const id = randomUUID();
  await transaction(db, async (tx) => {
    const now = new Date().toISOString();
    const bank = await openInventory(tx, 'guild');
    await tx.insertInto('net_guilds').values({ id, ...text, bank_inventory_id: bank, created_by_member_id: me.id, created_at: now, updated_at: now }).execute();
    await tx.insertInto('net_guild_members').values({ id: randomUUID(), guild_id: id, member_id: me.id, role: 'admin', created_at: now, updated_at: now }).execute();
  });
  return (await guildView(db, id))!;
}

/** Admins and moderators take a member in (as a plain member). */
export async function addGuildMember(db: Tx, input: { actorUserId: string; guildId: string; userCode: string }): Promise<GuildView> {
  const me = await requireMember(db, input.actorUserId);
  const newcomer = await memberByUserCode(db, input.userCode);
  await transaction(db, async (tx) => {
    await lockGuild(tx, input.guildId);
    if (RANK[await callerRole(tx, input.guildId, me)] < RANK.moderator) throw new PermissionDenied('Nur Administratoren und Moderatoren nehmen Mitglieder auf.');
    const now = new Date().toISOString();
    const inserted = await tx
      .insertInto('net_guild_members')
      .values({ id: randomUUID(), guild_id: input.guildId, member_id: newcomer.id, role: 'member', created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['guild_id', 'member_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw new Conflict('Dieses Mitglied gehört bereits zur Gilde.');
  });
  return (await guildView(db, input.guildId))!;
}

/** Only admins change roles; the last admin cannot step down (name another admin first). */
export async function setGuildRole(db: Tx, input: { actorUserId: string; guildId: string; memberId: string; role: GuildRole }): Promise<GuildView> {
  if (!isGuildRole(input.role)) throw new InvalidInput('Unbekannte Gildenrolle.', { field: 'role' });
  const me = await requireMember(db, input.actorUserId);
  await transaction(db, async (tx) => {
    await lockGuild(tx, input.guildId);
    if ((await callerRole(tx, input.guildId, me)) !== 'admin') throw new PermissionDenied('Nur Administratoren der Gilde ändern Rollen.');
    const current = isUuid(input.memberId) ? await roleIn(tx, input.guildId, input.memberId) : undefined;
    if (!current) throw new NotFound('Kein Mitglied dieser Gilde');
    if (current === 'admin' && input.role !== 'admin' && (await adminCount(tx, input.guildId)) <= 1) {
      throw new Conflict('Eine Gilde braucht mindestens einen Administrator.');
    }
    await tx
      .updateTable('net_guild_members')
      .set({ role: input.role, updated_at: new Date().toISOString() })
      .where('guild_id', '=', input.guildId)
      .where('member_id', '=', input.memberId)
      .execute();
  });
  return (await guildView(db, input.guildId))!;
}

/** Leaving (memberId = the caller's own) or removing someone of lower rank (moderators: plain members; admins: anyone). */
export async function removeGuildMember(db: Tx, input: { actorUserId: string; guildId: string; memberId: string }): Promise<void> {
  const me = await requireMember(db, input.actorUserId);
  await transaction(db, async (tx) => {
    await lockGuild(tx, input.guildId);
    const mine = await callerRole(tx, input.guildId, me);
    const theirs = isUuid(input.memberId) ? await roleIn(tx, input.guildId, input.memberId) : undefined;
    if (!theirs) throw new NotFound('Kein Mitglied dieser Gilde');
    const self = input.memberId === me.id;
    if (!self && !(mine === 'admin' || (mine === 'moderator' && theirs === 'member'))) {
      throw new PermissionDenied('Moderatoren entfernen nur einfache Mitglieder, Administratoren alle.');
    }
    if (theirs === 'admin' && (await adminCount(tx, input.guildId)) <= 1) throw new Conflict('Eine Gilde braucht mindestens einen Administrator.');
    await tx.deleteFrom('net_guild_members').where('guild_id', '=', input.guildId).where('member_id', '=', input.memberId).execute();
  });
}

/** Any guild member pays money from their own inventory into the guild bank. */
export async function depositToGuild(db: Tx, input: { actorUserId: string; guildId: string; amountMicro: number; note?: string | null }): Promise<TransferResult> {
  const me = await requireMember(db, input.actorUserId);
  return transaction(db, async (tx) => {
    const guild = await lockGuild(tx, input.guildId);
    await callerRole(tx, guild.id, me);
    return transferBetween(tx, { fromInventoryId: me.inventory_id, toInventoryId: guild.bank_inventory_id, amountMicro: input.amountMicro, note: input.note, authorUserId: input.actorUserId });
  });
}

/** Admins pay out of the guild bank to a guild member (themselves when no member is named). */
export async function withdrawFromGuild(
  db: Tx,
  input: { actorUserId: string; guildId: string; amountMicro: number; toMemberId?: string; note?: string | null },
): Promise<TransferResult> {
  const me = await requireMember(db, input.actorUserId);
  return transaction(db, async (tx) => {
    const guild = await lockGuild(tx, input.guildId);
    if ((await callerRole(tx, guild.id, me)) !== 'admin') throw new PermissionDenied('Nur Administratoren zahlen aus der Gildenbank aus.');
    const toMemberId = input.toMemberId ?? me.id;
    const recipient = isUuid(toMemberId) && (await roleIn(tx, guild.id, toMemberId)) ? await memberById(tx, toMemberId) : undefined;
    if (!recipient) throw new NotFound('Kein Mitglied dieser Gilde');
    return transferBetween(tx, { fromInventoryId: guild.bank_inventory_id, toInventoryId: recipient.inventory_id, amountMicro: input.amountMicro, note: input.note, authorUserId: input.actorUserId });
  });
}

async function guildOrNotFound(db: Tx, guildId: string): Promise<Guild> {
  const guild = isUuid(guildId) ? await db.selectFrom('net_guilds').selectAll().where('id', '=', guildId).executeTakeFirst() : undefined;
  if (!guild) throw new NotFound('Gilde nicht gefunden');
  return guild;
}

export async function guildView(db: Tx, guildId: string): Promise<GuildView | undefined> {
  const guild = isUuid(guildId) ? await db.selectFrom('net_guilds').selectAll().where('id', '=', guildId).executeTakeFirst() : undefined;
  if (!guild) return undefined;
  const rows = await db.selectFrom('net_guild_members').select(['member_id', 'role']).where('guild_id', '=', guildId).execute();
  const roles = new Map(rows.map((r) => [r.member_id, r.role]));
  const members = (await memberViews(db, rows.map((r) => r.member_id)))
    .map((m) => ({ ...m, role: roles.get(m.id)! }))
    .sort((a, b) => RANK[b.role] - RANK[a.role] || a.name.localeCompare(b.name, 'de'));
  const bank = await getInventory(db, guild.bank_inventory_id);
  return {
    id: guild.id,
    name: guild.name,
    description: guild.description,
    bankInventoryId: guild.bank_inventory_id,
    bankBalanceMicro: Number(bank?.balance_micro ?? 0),
    currency: bank?.currency ?? 'EUR',
    members,
    createdAt: guild.created_at,
  };
}

/** The guild if the caller belongs to it, with the caller's role; 404 otherwise. */
export type GuildOfMember = GuildView & { myRole: GuildRole; myMemberId: string };

export async function guildOfMember(db: Tx, input: { actorUserId: string; guildId: string }): Promise<GuildOfMember> {
  const me = await requireMember(db, input.actorUserId);
  const myRole = await callerRole(db, input.guildId, me);
  return { ...(await guildView(db, input.guildId))!, myRole, myMemberId: me.id };
}

/** The guilds a member belongs to, by name, with the member's role. */
export async function guildsOf(db: Tx, memberId: string): Promise<Array<{ id: string; name: string; role: GuildRole; memberCount: number }>> {
  const rows = await db.selectFrom('net_guild_members').select(['guild_id', 'role']).where('member_id', '=', memberId).execute();
  const views = await Promise.all(rows.map(async (r) => ({ view: await guildView(db, r.guild_id), role: r.role })));
  return views
    .filter((v) => v.view)
    .map(({ view, role }) => ({ id: view!.id, name: view!.name, role, memberCount: view!.members.length }))
    .sort((a, b) => a.name.localeCompare(b.name, 'de'));
}
