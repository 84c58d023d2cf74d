import type { Migration } from '../../core/db/migrator.js';

export const createTokens: Migration = {
  name: '0005_tokens',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('auth_tokens')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('purpose', 'text', (col) => col.notNull())
      .addColumn('token_hash', 'text', (col) => col.notNull().unique())
      .addColumn('user_id', c.uuid, (col) => col.references('users.id').onDelete('cascade'))
      .addColumn('created_by', c.uuid, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('expires_at', c.timestamp, (col) => col.notNull())
      .addColumn('used_at', c.timestamp)
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};
