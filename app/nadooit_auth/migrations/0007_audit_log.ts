import type { Migration } from '../../core/db/migrator.js';

export const createAuditLog: Migration = {
  name: '0007_audit_log',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('auth_audit_log')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('event', 'text', (col) => col.notNull())
      .addColumn('user_id', c.uuid)
      .addColumn('actor_id', c.uuid)
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('detail', c.json)
      .execute();
  },
};
