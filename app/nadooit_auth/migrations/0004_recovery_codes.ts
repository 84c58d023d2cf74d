import type { Migration } from '../../core/db/migrator.js';

export const createRecoveryCodes: Migration = {
  name: '0004_recovery_codes',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('auth_recovery_codes')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('user_id', c.uuid, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('code_hash', 'text', (col) => col.notNull().unique())
      .addColumn('used_at', c.timestamp)
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};
