import { sql } from 'kysely';
import type { Migration } from '../../core/db/migrator.js';

/** One table (with its constraints) per step, as CockroachDB wants schema changes one at a time. */
export const createInventories: Migration = {
  name: '0001_inventories',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('net_inventories')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('owner_kind', 'text', (col) => col.notNull())
      .addColumn('balance_micro', c.money, (col) => col.notNull().check(sql`balance_micro >= 0`))
      .addColumn('currency', 'text', (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const createInventoryEntries: Migration = {
  name: '0002_inventory_entries',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('net_inventory_entries')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('inventory_id', c.uuid, (col) => col.notNull().references('net_inventories.id').onDelete('cascade'))
      .addColumn('seq', c.bigint, (col) => col.notNull())
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('amount_micro', c.money, (col) => col.notNull())
      .addColumn('balance_after_micro', c.money, (col) => col.notNull())
      .addColumn('transfer_id', c.uuid)
      .addColumn('counterparty_inventory_id', c.uuid, (col) => col.references('net_inventories.id').onDelete('set null'))
      .addColumn('note', 'text')
      .addColumn('author_user_id', c.uuid, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addUniqueConstraint('net_inventory_entries_seq_uq', ['inventory_id', 'seq'])
      .execute();
  },
};

export const createInventoryShares: Migration = {
  name: '0003_inventory_shares',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('net_inventory_shares')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('inventory_id', c.uuid, (col) => col.notNull().references('net_inventories.id').onDelete('cascade'))
      .addColumn('program_share_id', c.uuid, (col) => col.notNull().unique().references('pos_program_shares.id').onDelete('cascade'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const createMembers: Migration = {
  name: '0004_members',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('net_members')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('user_id', c.uuid, (col) => col.notNull().unique().references('users.id').onDelete('cascade'))
      .addColumn('inventory_id', c.uuid, (col) => col.notNull().unique().references('net_inventories.id').onDelete('cascade'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const createFriends: Migration = {
  name: '0005_friends',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('net_friends')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('member_id', c.uuid, (col) => col.notNull().references('net_members.id').onDelete('cascade'))
      .addColumn('friend_member_id', c.uuid, (col) => col.notNull().references('net_members.id').onDelete('cascade'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addUniqueConstraint('net_friends_pair_uq', ['member_id', 'friend_member_id'])
      .addCheckConstraint('net_friends_not_self', sql`member_id <> friend_member_id`)
      .execute();
  },
};

export const createGroups: Migration = {
  name: '0006_groups',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('net_groups')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('created_by_member_id', c.uuid, (col) => col.notNull().references('net_members.id').onDelete('cascade'))
      .addColumn('member_count', c.integer, (col) => col.notNull().check(sql`member_count >= 0 and member_count <= 10`))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const createGroupMembers: Migration = {
  name: '0007_group_members',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('net_group_members')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('group_id', c.uuid, (col) => col.notNull().references('net_groups.id').onDelete('cascade'))
      .addColumn('member_id', c.uuid, (col) => col.notNull().references('net_members.id').onDelete('cascade'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addUniqueConstraint('net_group_members_uq', ['group_id', 'member_id'])
      .execute();
  },
};

export const createGuilds: Migration = {
  name: '0008_guilds',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('net_guilds')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('description', 'text')
      .addColumn('bank_inventory_id', c.uuid, (col) => col.notNull().unique().references('net_inventories.id'))
      .addColumn('created_by_member_id', c.uuid, (col) => col.references('net_members.id').onDelete('set null'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const createGuildMembers: Migration = {
  name: '0009_guild_members',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('net_guild_members')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('guild_id', c.uuid, (col) => col.notNull().references('net_guilds.id').onDelete('cascade'))
      .addColumn('member_id', c.uuid, (col) => col.notNull().references('net_members.id').onDelete('cascade'))
      .addColumn('role', 'text', (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .addUniqueConstraint('net_guild_members_uq', ['guild_id', 'member_id'])
      .execute();
  },
};

export const memberIndexes: Migration = {
  name: '0010_member_indexes',
  async up(db) {
    await db.schema.createIndex('net_guild_members_member_idx').on('net_guild_members').column('member_id').execute();
  },
};

export const groupMemberIndex: Migration = {
  name: '0011_group_member_index',
  async up(db) {
    await db.schema.createIndex('net_group_members_member_idx').on('net_group_members').column('member_id').execute();
  },
};

export const networkMigrations: Migration[] = [
  createInventories,
  createInventoryEntries,
  createInventoryShares,
  createMembers,
  createFriends,
  createGroups,
  createGroupMembers,
  createGuilds,
  createGuildMembers,
  memberIndexes,
  groupMemberIndex,
];
