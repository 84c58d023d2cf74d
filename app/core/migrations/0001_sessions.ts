import type { Migration } from '../db/migrator.js';

export const sessions: Migration = {
  name: '0001_sessions',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('core_sessions')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('token_hash', 'text', (col) => col.notNull().unique())
      .addColumn('user_id', c.uuid)
      .addColumn('data', c.json, (col) => col.notNull())
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('last_seen_at', c.timestamp, (col) => col.notNull())
      .addColumn('expires_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const sessionIndexes: Migration = {
  name: '0002_session_indexes',
  async up(db) {
    await db.schema.createIndex('core_sessions_user_idx').on('core_sessions').column('user_id').execute();
    await db.schema.createIndex('core_sessions_expiry_idx').on('core_sessions').column('expires_at').execute();
  },
};
