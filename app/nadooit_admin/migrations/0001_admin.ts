import type { Migration } from '../../core/db/migrator.js';

export const createAuditLog: Migration = {
  name: '0001_audit_log',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('admin_audit_log')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('actor_user_id', c.uuid, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('actor_label', 'text', (col) => col.notNull())
      .addColumn('ip', 'text')
      .addColumn('resource', 'text', (col) => col.notNull())
      .addColumn('object_id', 'text', (col) => col.notNull())
      .addColumn('object_label', 'text', (col) => col.notNull())
      .addColumn('action', 'text', (col) => col.notNull())
      .addColumn('action_name', 'text')
      .addColumn('input', c.json)
      .addColumn('before', c.json)
      .addColumn('after', c.json)
      .addColumn('changed_fields', 'text', (col) => col.notNull())
      .execute();
  },
};

export const auditTimeIndex: Migration = {
  name: '0002_audit_log_time_index',
  async up(db) {
    await db.schema.createIndex('admin_audit_log_created_idx').on('admin_audit_log').columns(['created_at', 'id']).execute();
  },
};

export const auditObjectIndex: Migration = {
  name: '0003_audit_log_object_index',
  async up(db) {
    await db.schema.createIndex('admin_audit_log_object_idx').on('admin_audit_log').columns(['resource', 'object_id', 'created_at']).execute();
  },
};

export const auditActorIndex: Migration = {
  name: '0004_audit_log_actor_index',
  async up(db) {
    await db.schema.createIndex('admin_audit_log_actor_idx').on('admin_audit_log').columns(['actor_user_id', 'created_at']).execute();
  },
};

export const createPermissions: Migration = {
  name: '0005_permissions',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('admin_permissions')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('user_id', c.uuid, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('resource', 'text', (col) => col.notNull())
      .addColumn('permission', 'text', (col) => col.notNull())
      .addColumn('granted_by', c.uuid, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .addUniqueConstraint('admin_permissions_user_resource_permission_uq', ['user_id', 'resource', 'permission'])
      .execute();
  },
};

/**
 * The admin lists every booking and every ledger entry newest first across all customers; the owning apps
 * index per customer/account only. Without these, the first page of a million rows is a full sort.
 */
export const executionsListIndex: Migration = {
  name: '0006_executions_admin_list_index',
  async up(db) {
    await db.schema.createIndex('ex_executions_created_idx').on('ex_executions').columns(['created_at', 'id']).execute();
  },
};

export const ledgerListIndex: Migration = {
  name: '0007_ledger_admin_list_index',
  async up(db) {
    await db.schema.createIndex('ta_ledger_entries_created_idx').on('ta_ledger_entries').columns(['created_at', 'id']).execute();
  },
};

/** Staff filter bookings by payment status (billing); a rare status must not mean a full scan. */
export const executionsStatusIndex: Migration = {
  name: '0008_executions_admin_status_index',
  async up(db) {
    await db.schema.createIndex('ex_executions_status_created_idx').on('ex_executions').columns(['payment_status', 'created_at', 'id']).execute();
  },
};

export const adminMigrations: Migration[] = [
  createAuditLog,
  auditTimeIndex,
  auditObjectIndex,
  auditActorIndex,
  createPermissions,
  executionsListIndex,
  ledgerListIndex,
  executionsStatusIndex,
];
