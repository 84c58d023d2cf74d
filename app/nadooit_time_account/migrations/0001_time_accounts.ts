import { sql } from 'kysely';
import type { Migration } from '../../core/db/migrator.js';

export const createTimeAccounts: Migration = {
  name: '0001_time_accounts',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('ta_time_accounts')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('name', 'text')
      .addColumn('balance_seconds', c.bigint, (col) => col.notNull().check(sql`balance_seconds >= 0`))
      .addColumn('is_active', c.boolean, (col) => col.notNull())
      .addColumn('low_balance_threshold_seconds', c.bigint)
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const createCustomerTimeAccounts: Migration = {
  name: '0002_customer_time_accounts',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('ta_customer_time_accounts')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('customer_id', c.uuid, (col) => col.notNull().references('crm_customers.id').onDelete('cascade'))
      .addColumn('time_account_id', c.uuid, (col) => col.notNull().references('ta_time_accounts.id').onDelete('cascade'))
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const customerTimeAccountIndex: Migration = {
  name: '0003_customer_time_account_index',
  async up(db) {
    await db.schema.createIndex('ta_customer_time_accounts_customer_idx').on('ta_customer_time_accounts').column('customer_id').execute();
  },
};

export const createEmployeeTimeAccounts: Migration = {
  name: '0004_employee_time_accounts',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('ta_employee_time_accounts')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('time_account_id', c.uuid, (col) => col.notNull().references('ta_time_accounts.id').onDelete('cascade'))
      .addColumn('employee_id', c.uuid, (col) => col.notNull().references('hr_employees.id').onDelete('cascade'))
      .addColumn('customer_id', c.uuid, (col) => col.notNull().references('crm_customers.id').onDelete('cascade'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const createWorkTimeEntries: Migration = {
  name: '0005_work_time_account_entries',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('ta_work_time_account_entries')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('employee_time_account_id', c.uuid, (col) =>
        col.notNull().references('ta_employee_time_accounts.id').onDelete('cascade'),
      )
      .addColumn('work_time', 'text')
      .addColumn('work_date', c.date)
      .addColumn('entry_type', 'text', (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const createLedgerEntries: Migration = {
  name: '0006_ledger_entries',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('ta_ledger_entries')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('time_account_id', c.uuid, (col) => col.notNull().references('ta_time_accounts.id').onDelete('cascade'))
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('seconds', c.bigint, (col) => col.notNull())
      .addColumn('balance_after', c.bigint, (col) => col.notNull())
      .addColumn('note', 'text')
      .addColumn('reference', 'text')
      .addColumn('execution_id', c.uuid)
      .addColumn('author_user_id', c.uuid, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const ledgerIndex: Migration = {
  name: '0007_ledger_account_time_index',
  async up(db) {
    await db.schema.createIndex('ta_ledger_entries_account_idx').on('ta_ledger_entries').columns(['time_account_id', 'created_at']).execute();
  },
};

export const timeAccountMigrations: Migration[] = [
  createTimeAccounts,
  createCustomerTimeAccounts,
  customerTimeAccountIndex,
  createEmployeeTimeAccounts,
  createWorkTimeEntries,
  createLedgerEntries,
  ledgerIndex,
];
