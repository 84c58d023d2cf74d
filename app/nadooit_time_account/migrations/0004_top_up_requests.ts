import { sql } from 'kysely';
import type { Migration } from '../../core/db/migrator.js';

/** Top-up requests: made by a customer's time-account managers, decided by NADOOIT staff. */
export const createTopUpRequests: Migration = {
  name: '0012_top_up_requests',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('ta_top_up_requests')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('customer_time_account_id', c.uuid, (col) => col.notNull().references('ta_customer_time_accounts.id').onDelete('cascade'))
      .addColumn('customer_id', c.uuid, (col) => col.notNull().references('crm_customers.id').onDelete('cascade'))
      .addColumn('time_account_id', c.uuid, (col) => col.notNull().references('ta_time_accounts.id').onDelete('cascade'))
      .addColumn('seconds', c.bigint, (col) => col.notNull().check(sql`seconds > 0`))
      .addColumn('note', 'text')
      .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('open', 'approved', 'rejected')`))
      .addColumn('requested_by_user_id', c.uuid, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('decided_by_user_id', c.uuid, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('decided_at', c.timestamp)
      .addColumn('decision_note', 'text')
      .addColumn('ledger_entry_id', c.uuid, (col) => col.references('ta_ledger_entries.id').onDelete('set null'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

/** The dashboard lists an account's requests newest first. */
export const topUpRequestAccountIndex: Migration = {
  name: '0013_top_up_request_account_index',
  async up(db) {
    await db.schema.createIndex('ta_top_up_requests_account_idx').on('ta_top_up_requests').columns(['customer_time_account_id', 'created_at']).execute();
  },
};

/** The admin's default list (newest first) and its "open" filter. */
export const topUpRequestStatusIndex: Migration = {
  name: '0014_top_up_request_status_index',
  async up(db) {
    await db.schema.createIndex('ta_top_up_requests_status_idx').on('ta_top_up_requests').columns(['status', 'created_at', 'id']).execute();
  },
};

export const topUpRequestMigrations: Migration[] = [createTopUpRequests, topUpRequestAccountIndex, topUpRequestStatusIndex];
