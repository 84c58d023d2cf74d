import type { Migration } from '../../core/db/migrator.js';

export const createThrottle: Migration = {
  name: '0006_throttle',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('auth_throttle')
      .addColumn('key', 'text', (col) => col.primaryKey())
      .addColumn('failures', 'integer', (col) => col.notNull())
      .addColumn('window_started_at', c.timestamp, (col) => col.notNull())
      .addColumn('locked_until', c.timestamp)
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};
