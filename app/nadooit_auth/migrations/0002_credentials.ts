import type { Migration } from '../../core/db/migrator.js';

export const createCredentials: Migration = {
  name: '0002_credentials',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('auth_credentials')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('user_id', c.uuid, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('credential_id', 'text', (col) => col.notNull().unique())
      .addColumn('public_key', 'text', (col) => col.notNull())
      .addColumn('sign_count', c.bigint, (col) => col.notNull())
      .addColumn('transports', c.json)
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('is_enabled', c.boolean, (col) => col.notNull())
      .addColumn('backed_up', c.boolean, (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .addColumn('last_used_at', c.timestamp)
      .execute();
  },
};
