import { sql } from 'kysely';
import type { Migration } from '../../core/db/migrator.js';

/**
 * Employee work time (work-time/): clock-in/out entries with exact instants, their audited corrections, and
 * the weekly hours of an employee time account. The original's punch table (ta_work_time_account_entries,
 * local date + time per punch, ambiguous when the clocks change) stays as imported history.
 * Names carry a prefix of their own so they never collide with other migrations of this app.
 */
export const createWorkTimeEntries: Migration = {
  name: 'work_time_0001_entries',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('ta_work_time_entries')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('employee_time_account_id', c.uuid, (col) => col.notNull().references('ta_employee_time_accounts.id').onDelete('cascade'))
      .addColumn('started_at', c.timestamp, (col) => col.notNull())
      .addColumn('ended_at', c.timestamp)
      .addColumn('corrected', c.boolean, (col) => col.notNull())
      .addColumn('created_by_user_id', c.uuid, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .addCheckConstraint('ta_work_time_entries_order', sql`ended_at is null or ended_at > started_at`)
      .execute();
  },
};

/** At most one open entry (clocked in, not yet out) per account — the database's guard against a double clock-in. */
export const oneOpenWorkTimeEntry: Migration = {
  name: 'work_time_0002_one_open_entry',
  async up(db) {
    await db.schema
      .createIndex('ta_work_time_entries_open_uq')
      .on('ta_work_time_entries')
      .column('employee_time_account_id')
      .unique()
      .where(sql.ref('ended_at'), 'is', null)
      .execute();
  },
};

export const workTimeEntryAccountIndex: Migration = {
  name: 'work_time_0003_entry_account_index',
  async up(db) {
    await db.schema.createIndex('ta_work_time_entries_account_idx').on('ta_work_time_entries').columns(['employee_time_account_id', 'started_at']).execute();
  },
};

export const createWorkTimeCorrections: Migration = {
  name: 'work_time_0004_corrections',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('ta_work_time_corrections')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('employee_time_account_id', c.uuid, (col) => col.notNull().references('ta_employee_time_accounts.id').onDelete('cascade'))
      // No foreign key: the audit row outlives a deleted entry.
      .addColumn('entry_id', c.uuid, (col) => col.notNull())
      .addColumn('action', 'text', (col) => col.notNull().check(sql`action in ('add', 'change', 'delete')`))
      .addColumn('before_started_at', c.timestamp)
      .addColumn('before_ended_at', c.timestamp)
      .addColumn('after_started_at', c.timestamp)
      .addColumn('after_ended_at', c.timestamp)
      .addColumn('reason', 'text', (col) => col.notNull())
      .addColumn('actor_user_id', c.uuid, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const workTimeCorrectionAccountIndex: Migration = {
  name: 'work_time_0005_correction_account_index',
  async up(db) {
    await db.schema.createIndex('ta_work_time_corrections_account_idx').on('ta_work_time_corrections').columns(['employee_time_account_id', 'created_at']).execute();
  },
};

/** The contract's weekly working time in seconds (null: no target, so no overtime is computed). */
export const weeklyWorkSeconds: Migration = {
  name: 'work_time_0006_weekly_work_seconds',
  async up(db) {
    await db.schema.alterTable('ta_employee_time_accounts').addColumn('weekly_work_seconds', 'integer').execute();
  },
};

export const workTimeMigrations: Migration[] = [
  createWorkTimeEntries,
  oneOpenWorkTimeEntry,
  workTimeEntryAccountIndex,
  createWorkTimeCorrections,
  workTimeCorrectionAccountIndex,
  weeklyWorkSeconds,
];
