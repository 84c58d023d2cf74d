import type { Migration } from '../../core/db/migrator.js';

export const createTotpDevices: Migration = {
  name: '0003_totp_devices',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('auth_totp_devices')
      .addColumn('user_id', c.uuid, (col) => col.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('secret_encrypted', 'text', (col) => col.notNull())
      .addColumn('last_time_step', c.bigint)
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};
