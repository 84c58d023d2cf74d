import { sql } from 'kysely';
import { Conflict } from '../core/errors.js';
import { derivedUuid, legacyInteger, legacyOptionalText, legacyText, legacyUuid, timestampsOf, LegacyValueError } from '../core/legacy/values.js';
import { perRun, requireKnown, tableImport } from '../core/legacy/step.js';
import type { LegacyAppImport, LegacyImportContext, LegacyImportStep } from '../core/legacy/step.js';
import type { LegacyRow } from '../core/legacy/source.js';
import { GROUP_MAX_MEMBERS, GUILD_ROLES } from './models.js';
import type { GuildRole } from './models.js';
import { bookByStaff, openInventory } from './services/inventory.js';

const T = {
  inventory: 'nadooit_network_nadooitinventory',
  inventoryShares: 'nadooit_network_nadooitinventory_list_of_nadooit_program_ownership_shares',
  member: 'nadooit_network_nadooitnetworkmember',
  friendsList: 'nadooit_network_nadooitnetworkfriendslist',
  friendsListEntries: 'nadooit_network_nadooitnetworkfriendslist_friend_list',
  group: 'nadooit_network_nadooitnetworkgroup',
  groupMembers: 'nadooit_network_nadooitnetworkgroup_members',
  guild: 'nadooit_network_nadooitguild',
  guildMember: 'nadooit_network_nadooitnetworkguildmember',
  guildMemberList: 'nadooit_network_nadooitguild_member_list',
  guildBank: 'nadooit_network_nadooitguildbank',
} as const;

/** The original's inventory `money` is an integer of whole euros; here money is kept in micro-units. */
const MICROS_PER_EURO = 1_000_000;
const SYSTEM = { actorUserId: null, asStaff: true } as const;

/** Every row of a (small) legacy table, read once per import run. */
function legacyTable(context: LegacyImportContext, table: string, key = 'id'): Promise<LegacyRow[]> {
  return perRun(context, `network.${table}`, async () => {
    const rows: LegacyRow[] = [];
    for await (const row of context.source.rows(table, { key })) rows.push(row);
    return rows;
  });
}

/** The rows of a (small) legacy table by their id, built once per import run (not once per row that looks one up). */
function legacyById(context: LegacyImportContext, table: string): Promise<Map<string, LegacyRow>> {
  return perRun(context, `network.${table}.byId`, async () => new Map((await legacyTable(context, table)).map((row) => [String(row.id), row])));
}

/**
 * The original kept guild banks without a link to their guild. With exactly one guild and one bank the two
 * belong together; otherwise no bank can be assigned and every guild gets a new, empty bank here.
 */
async function pairedBank(context: LegacyImportContext): Promise<{ guildId: string; inventoryId: string } | null> {
  const [guilds, banks] = [await legacyTable(context, T.guild), await legacyTable(context, T.guildBank)];
  if (guilds.length !== 1 || banks.length !== 1) return null;
  return { guildId: legacyUuid(guilds[0]!.id), inventoryId: legacyUuid(banks[0]!.guild_inventory_id, 'guild_inventory_id') };
}

async function bankInventoryIds(context: LegacyImportContext): Promise<Set<string>> {
  return new Set((await legacyTable(context, T.guildBank)).map((b) => legacyUuid(b.guild_inventory_id, 'guild_inventory_id')));
}

function legacyBalances(context: LegacyImportContext): Map<string, number> {
  return perRun(context, 'network.balances', () => new Map<string, number>());
}

/**
 * An inventory's balance only moves through entries: a new inventory gets the original's money as a
 * `credit`, a later import that finds it changed books the difference as a `correction` with its reason.
 */
async function alignBalances(context: LegacyImportContext): Promise<void> {
  const outcome = context.report.outcome('net_inventory_entries');
  for (const [inventoryId, wanted] of legacyBalances(context)) {
    const current = await context.tx.selectFrom('net_inventories').select('balance_micro').where('id', '=', inventoryId).executeTakeFirstOrThrow();
    const difference = wanted - Number(current.balance_micro);
    if (difference === 0) continue;
    const hasEntries = await context.tx.selectFrom('net_inventory_entries').select('id').where('inventory_id', '=', inventoryId).executeTakeFirst();
    const opening = !hasEntries && difference > 0;
    try {
      await bookByStaff(context.tx, {
        ...SYSTEM,
        inventoryId,
        kind: opening ? 'credit' : 'correction',
        amountMicro: difference,
        note: opening ? 'Guthaben aus dem Original übernommen' : 'Abgleich mit dem Guthaben im Original (erneuter Import)',
      });
      outcome.created++;
    } catch (error) {
      if (!(error instanceof Conflict)) throw error;
      outcome.notes.push(`inventory ${inventoryId}: the original's balance is lower than what was spent here since the last import; left as it is`);
    }
  }
}

function knownMember(context: LegacyImportContext, value: unknown, what: string): string {
  const id = legacyUuid(value, what);
  requireKnown(context, 'net_members', id, 'network member');
  return id;
}

const inventories = tableImport({
  legacyTable: T.inventory,
  target: 'net_inventories',
  async map(row, context) {
    const id = legacyUuid(row.id);
    const euros = legacyInteger(row.money, 'money');
    if (euros < 0) throw new LegacyValueError(`money is negative (${euros}); an inventory here never is`);
    legacyBalances(context).set(id, euros * MICROS_PER_EURO);
    return { id, owner_kind: (await bankInventoryIds(context)).has(id) ? 'guild' : 'member', balance_micro: 0, currency: 'EUR', ...timestampsOf(row) };
  },
  // The balance moves through entries only (alignBalances).
  insertOnly: ['balance_micro', 'updated_at'],
  after: alignBalances,
});

const members = tableImport({
  legacyTable: T.member,
  target: 'net_members',
  async map(row, context) {
    const id = legacyUuid(row.id);
    const userId = legacyUuid(row.user_id, 'user_id');
    requireKnown(context, 'users', userId, 'user');
    const inventoryId = legacyUuid(row.inventory_id, 'inventory_id');
    requireKnown(context, 'net_inventories', inventoryId, 'inventory');
    const live = await context.tx.selectFrom('net_members').select('id').where('user_id', '=', userId).where('id', '<>', id).executeTakeFirst();
    if (live) throw new LegacyValueError(`the user already joined the network here as member ${live.id}`);
    return { id, user_id: userId, inventory_id: inventoryId, created_at: context.now };
  },
  insertOnly: ['created_at'],
});

/** The original's friend list is one row per owner plus a link table; here each friendship is one row. */
const friends = tableImport({
  legacyTable: T.friendsListEntries,
  target: 'net_friends',
  async map(row, context) {
    const owner = (await legacyById(context, T.friendsList)).get(String(row.nadooitnetworkfriendslist_id))?.user_id;
    if (owner === undefined) throw new LegacyValueError('the friend list it belongs to does not exist');
    const memberId = knownMember(context, owner, 'user_id');
    const friendId = knownMember(context, row.nadooitnetworkmember_id, 'nadooitnetworkmember_id');
    if (memberId === friendId) throw new LegacyValueError('a member is not their own friend');
    return { id: derivedUuid(T.friendsListEntries, row.id), member_id: memberId, friend_member_id: friendId, created_at: context.now };
  },
  insertOnly: ['created_at'],
});

const groups = tableImport({
  legacyTable: T.group,
  target: 'net_groups',
  map(row, context) {
    const id = legacyUuid(row.id);
    // The original's groups had no name; staff may rename them here (kept on a later import).
    return { id, name: `Gruppe ${id.slice(0, 8)}`, created_by_member_id: knownMember(context, row.created_by_id, 'created_by_id'), member_count: 0, ...timestampsOf(row) };
  },
  insertOnly: ['name', 'member_count', 'updated_at'],
});

/** Memberships beyond the tenth of a group are reported: a group here has at most GROUP_MAX_MEMBERS. */
const groupMembers = tableImport({
  legacyTable: T.groupMembers,
  target: 'net_group_members',
  map(row, context) {
    const groupId = legacyUuid(row.nadooitnetworkgroup_id, 'nadooitnetworkgroup_id');
    requireKnown(context, 'net_groups', groupId, 'group');
    const counts = perRun(context, 'network.groupSizes', () => new Map<string, number>());
    const size = (counts.get(groupId) ?? 0) + 1;
    if (size > GROUP_MAX_MEMBERS) throw new LegacyValueError(`the group already has ${GROUP_MAX_MEMBERS} members, the most a group may have here`);
    const memberId = knownMember(context, row.nadooitnetworkmember_id, 'nadooitnetworkmember_id');
    counts.set(groupId, size);
    return { id: derivedUuid(T.groupMembers, row.id), group_id: groupId, member_id: memberId, created_at: context.now };
  },
  insertOnly: ['created_at'],
  async after(context) {
    for (const groupId of context.known('net_groups')) {
      await context.tx
        .updateTable('net_groups')
        .set({ member_count: sql`(select count(*) from net_group_members where net_group_members.group_id = net_groups.id)` })
        .where('id', '=', groupId)
        .execute();
    }
  },
});

const guilds: LegacyImportStep = {
  ...tableImport({
    legacyTable: T.guild,
    target: 'net_guilds',
    async map(row, context) {
      const id = legacyUuid(row.id);
      const existing = await context.tx.selectFrom('net_guilds').select('bank_inventory_id').where('id', '=', id).executeTakeFirst();
      const paired = await pairedBank(context);
      const bank = existing?.bank_inventory_id ?? (paired?.guildId === id && context.known('net_inventories').has(paired.inventoryId) ? paired.inventoryId : await openInventory(context.tx, 'guild'));
      if (legacyOptionalText(row.guild_logo, 'guild_logo')) context.report.outcome('net_guilds').notes.push(`guild ${id}: its logo (${String(row.guild_logo)}) is not taken over`);
      return { id, name: legacyOptionalText(row.name, 'name') ?? `Gilde ${id.slice(0, 8)}`, description: legacyOptionalText(row.description, 'description'), bank_inventory_id: bank, created_by_member_id: null, ...timestampsOf(row) };
    },
    insertOnly: ['bank_inventory_id', 'created_by_member_id'],
  }),
  reads: [T.guild, T.guildBank],
};

/** Banks that could not be given to a guild: reported, their inventory stays without owner. */
const unpairedBanks: LegacyImportStep = {
  target: 'net_guilds (banks)',
  reads: [T.guildBank],
  async run(context) {
    const outcome = context.report.outcome('net_guilds (banks)');
    const paired = await pairedBank(context);
    for (const bank of await legacyTable(context, T.guildBank)) {
      outcome.read++;
      if (paired && legacyUuid(bank.guild_inventory_id, 'guild_inventory_id') === paired.inventoryId) outcome.unchanged++;
      else outcome.skipped.push({ legacyTable: T.guildBank, legacyId: String(bank.id), reason: 'the original did not record which guild a bank belongs to, and there is not exactly one guild and one bank' });
    }
  },
};

function guildRole(value: unknown): GuildRole {
  const role = legacyText(value, 'guild_role').trim().toLowerCase();
  if (!(GUILD_ROLES as readonly string[]).includes(role)) throw new LegacyValueError(`unknown guild role ${JSON.stringify(value)}`);
  return role as GuildRole;
}

/** The original's guild member is a member with a role, linked to guilds through a list. */
const guildMembers: LegacyImportStep = {
  ...tableImport({
    legacyTable: T.guildMemberList,
    target: 'net_guild_members',
    async map(row, context) {
      const guildId = legacyUuid(row.nadooitguild_id, 'nadooitguild_id');
      requireKnown(context, 'net_guilds', guildId, 'guild');
      const membership = (await legacyById(context, T.guildMember)).get(String(row.nadooitnetworkguildmember_id));
      if (!membership) throw new LegacyValueError('the guild member it names does not exist');
      const memberId = knownMember(context, membership.nadooit_network_member_id, 'nadooit_network_member_id');
      return { id: derivedUuid(T.guildMemberList, row.id), guild_id: guildId, member_id: memberId, role: guildRole(membership.guild_role), created_at: context.now, updated_at: context.now };
    },
    insertOnly: ['created_at', 'updated_at'],
  }),
  reads: [T.guildMemberList, T.guildMember],
};

const inventoryShares = tableImport({
  legacyTable: T.inventoryShares,
  target: 'net_inventory_shares',
  map(row, context) {
    const inventoryId = legacyUuid(row.nadooitinventory_id, 'nadooitinventory_id');
    requireKnown(context, 'net_inventories', inventoryId, 'inventory');
    const shareId = legacyUuid(row.programshare_id, 'programshare_id');
    requireKnown(context, 'pos_program_shares', shareId, 'program share');
    const placed = perRun(context, 'network.placedShares', () => new Set<string>());
    if (placed.has(shareId)) throw new LegacyValueError('the share is already in another inventory; a share sits in one inventory here');
    placed.add(shareId);
    return { id: derivedUuid(T.inventoryShares, row.id), inventory_id: inventoryId, program_share_id: shareId, created_at: context.now };
  },
  insertOnly: ['created_at'],
});

/**
 * The original's network: inventories (whole euros → micro-units, the balance as an opening credit),
 * members, friends, groups (at most ten members), guilds with roles and their bank, program shares held.
 */
export const networkLegacyImport: LegacyAppImport = {
  app: 'nadooit_network',
  steps: [inventories, members, friends, groups, groupMembers, guilds, unpairedBanks, guildMembers, inventoryShares],
};
