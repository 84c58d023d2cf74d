import type { Migration } from '../../core/db/migrator.js';

/** Separate steps per index (CockroachDB runs schema changes outside transactions, one at a time). */
export const credentialsUserIndex: Migration = {
  name: '0008_credentials_user_idx',
  async up(db) {
    await db.schema.createIndex('auth_credentials_user_idx').on('auth_credentials').column('user_id').execute();
  },
};

export const recoveryCodesUserIndex: Migration = {
  name: '0009_recovery_codes_user_idx',
  async up(db) {
    await db.schema.createIndex('auth_recovery_codes_user_idx').on('auth_recovery_codes').column('user_id').execute();
  },
};

export const auditLogTimeIndex: Migration = {
  name: '0010_audit_log_time_idx',
  async up(db) {
    await db.schema.createIndex('auth_audit_log_time_idx').on('auth_audit_log').column('created_at').execute();
  },
};

export const auditLogUserIndex: Migration = {
  name: '0011_audit_log_user_idx',
  async up(db) {
    await db.schema.createIndex('auth_audit_log_user_idx').on('auth_audit_log').columns(['user_id', 'created_at']).execute();
  },
};
