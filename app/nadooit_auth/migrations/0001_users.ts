import type { Migration } from '../../core/db/migrator.js';

export const createUsers: Migration = {
  name: '0001_users',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('users')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('user_code', 'text', (col) => col.notNull().unique())
      .addColumn('display_name', 'text', (col) => col.notNull())
      .addColumn('username', 'text', (col) => col.unique())
      .addColumn('email', 'text')
      .addColumn('password_hash', 'text')
      .addColumn('is_active', c.boolean, (col) => col.notNull())
      .addColumn('is_staff', c.boolean, (col) => col.notNull())
      .addColumn('is_superuser', c.boolean, (col) => col.notNull())
      .addColumn('last_login', c.timestamp)
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};
