import type { Migration } from '../../core/db/migrator.js';

export const createApiKeys: Migration = {
  name: '0001_api_keys',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('api_keys')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('user_id', c.uuid, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('key_hash', 'text', (col) => col.notNull().unique())
      .addColumn('prefix', 'text')
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('is_active', c.boolean, (col) => col.notNull())
      .addColumn('expires_at', c.timestamp)
      .addColumn('last_used_at', c.timestamp)
      .addColumn('revoked_at', c.timestamp)
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const apiKeyUserIndex: Migration = {
  name: '0002_api_key_user_index',
  async up(db) {
    await db.schema.createIndex('api_keys_user_idx').on('api_keys').column('user_id').execute();
  },
};

export const createApiKeyManagers: Migration = {
  name: '0003_api_key_managers',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('api_key_managers')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('employee_id', c.uuid, (col) => col.notNull().unique().references('hr_employees.id').onDelete('cascade'))
      .addColumn('can_create_api_key', c.boolean, (col) => col.notNull().defaultTo(false))
      .addColumn('can_delete_api_key', c.boolean, (col) => col.notNull().defaultTo(false))
      .addColumn('can_give_manager_role', c.boolean, (col) => col.notNull().defaultTo(false))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const createApiKeyManagerCustomers: Migration = {
  name: '0004_api_key_manager_customers',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('api_key_manager_customers')
      .addColumn('manager_id', c.uuid, (col) => col.notNull().references('api_key_managers.id').onDelete('cascade'))
      .addColumn('customer_id', c.uuid, (col) => col.notNull().references('crm_customers.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('api_key_manager_customers_pk', ['manager_id', 'customer_id'])
      .execute();
  },
};

export const createApiKeyManagerAppointees: Migration = {
  name: '0005_api_key_manager_appointees',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('api_key_manager_appointees')
      .addColumn('manager_id', c.uuid, (col) => col.notNull().references('api_key_managers.id').onDelete('cascade'))
      .addColumn('employee_id', c.uuid, (col) => col.notNull().references('hr_employees.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('api_key_manager_appointees_pk', ['manager_id', 'employee_id'])
      .execute();
  },
};

export const apiKeyMigrations: Migration[] = [
  createApiKeys,
  apiKeyUserIndex,
  createApiKeyManagers,
  createApiKeyManagerCustomers,
  createApiKeyManagerAppointees,
];
