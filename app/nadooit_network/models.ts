/** NADOOIT network: people (members) with an inventory, friends, groups of at most ten and guilds with a bank. */

/** Where an inventory belongs: a member's own or a guild's bank. */
export type InventoryOwner = 'member' | 'guild';

/** Money in integer micro-units (1 € = 1 000 000); the balance is the sum of the inventory's entries. */
export interface NetInventoriesTable {
  id: string;
  owner_kind: InventoryOwner;
  balance_micro: number;
  currency: string;
  created_at: string;
  updated_at: string;
}

/** `credit`: money booked in by staff; `correction`: a staff correction with a reason; `transfer`: one leg of a move between inventories. */
export type InventoryEntryKind = 'credit' | 'correction' | 'transfer';
export const INVENTORY_ENTRY_KINDS: readonly InventoryEntryKind[] = ['credit', 'correction', 'transfer'];

export interface NetInventoryEntriesTable {
  id: string;
  inventory_id: string;
  /** 1, 2, 3 … per inventory in the order the entries were written. */
  seq: number;
  kind: InventoryEntryKind;
  /** Signed change: positive credits, negative debits. */
  amount_micro: number;
  balance_after_micro: number;
  /** Both legs of one transfer share this id. */
  transfer_id: string | null;
  counterparty_inventory_id: string | null;
  note: string | null;
  author_user_id: string | null;
  created_at: string;
}

/** A program share held in an inventory (a share sits in at most one inventory). */
export interface NetInventorySharesTable {
  id: string;
  inventory_id: string;
  program_share_id: string;
  created_at: string;
}

/** One person in the network (at most one per user account), with their own inventory. */
export interface NetMembersTable {
  id: string;
  user_id: string;
  inventory_id: string;
  created_at: string;
}

/** `member_id` has `friend_member_id` on their friend list (one direction; mutual when both rows exist). */
export interface NetFriendsTable {
  id: string;
  member_id: string;
  friend_member_id: string;
  created_at: string;
}

export const GROUP_MAX_MEMBERS = 10;

/** A small group; `member_count` is kept with the memberships and can never exceed GROUP_MAX_MEMBERS. */
export interface NetGroupsTable {
  id: string;
  name: string;
  created_by_member_id: string;
  member_count: number;
  created_at: string;
  updated_at: string;
}

export interface NetGroupMembersTable {
  id: string;
  group_id: string;
  member_id: string;
  created_at: string;
}

/** A guild; its bank is an inventory of its own (owner_kind 'guild'). */
export interface NetGuildsTable {
  id: string;
  name: string;
  description: string | null;
  bank_inventory_id: string;
  created_by_member_id: string | null;
  created_at: string;
  updated_at: string;
}

export const GUILD_ROLES = ['member', 'moderator', 'admin'] as const;
export type GuildRole = (typeof GUILD_ROLES)[number];

export interface NetGuildMembersTable {
  id: string;
  guild_id: string;
  member_id: string;
  role: GuildRole;
  created_at: string;
  updated_at: string;
}

declare module '../core/db/schema.js' {
  interface Database {
    net_inventories: NetInventoriesTable;
    net_inventory_entries: NetInventoryEntriesTable;
    net_inventory_shares: NetInventorySharesTable;
    net_members: NetMembersTable;
    net_friends: NetFriendsTable;
    net_groups: NetGroupsTable;
    net_group_members: NetGroupMembersTable;
    net_guilds: NetGuildsTable;
    net_guild_members: NetGuildMembersTable;
  }
}
