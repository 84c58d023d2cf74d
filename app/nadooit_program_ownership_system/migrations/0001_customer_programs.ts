import type { Migration } from '../../core/db/migrator.js';

export const createCustomerPrograms: Migration = {
  name: '0001_customer_programs',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('pos_customer_programs')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('program_id', c.uuid, (col) => col.references('program_programs.id').onDelete('set null'))
      .addColumn('customer_id', c.uuid, (col) => col.references('crm_customers.id').onDelete('set null'))
      .addColumn('time_account_id', c.uuid, (col) => col.references('ta_time_accounts.id').onDelete('set null'))
      .addColumn('program_time_saved_per_execution_in_seconds', 'integer', (col) => col.notNull())
      .addColumn('pricing_mode', 'text', (col) => col.notNull())
      .addColumn('price_per_second', c.money, (col) => col.notNull())
      .addColumn('currency', 'text', (col) => col.notNull())
      .addColumn('over_charge', c.boolean, (col) => col.notNull())
      .addColumn('is_active', c.boolean, (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const customerProgramCustomerIndex: Migration = {
  name: '0002_customer_program_customer_index',
  async up(db) {
    await db.schema.createIndex('pos_customer_programs_customer_idx').on('pos_customer_programs').column('customer_id').execute();
  },
};

export const createProgramShares: Migration = {
  name: '0003_program_shares',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('pos_program_shares')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('share_of', c.uuid, (col) => col.references('program_programs.id').onDelete('set null'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const programOwnershipMigrations: Migration[] = [createCustomerPrograms, customerProgramCustomerIndex, createProgramShares];
