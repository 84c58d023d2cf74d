import type { Migration } from '../../core/db/migrator.js';

export const createAddresses: Migration = {
  name: '0001_addresses',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('crm_addresses')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('street', 'text')
      .addColumn('house_number', 'text')
      .addColumn('town', 'text')
      .addColumn('postal_code', 'text')
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

function addressedTo(table: 'crm_shipping_addresses' | 'crm_billing_addresses', name: string): Migration {
  return {
    name,
    async up(db, { columns: c }) {
      await db.schema
        .createTable(table)
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('address_id', c.uuid, (col) => col.references('crm_addresses.id').onDelete('set null'))
        .addColumn('addressed_to', 'text')
        .addColumn('created_at', c.timestamp, (col) => col.notNull())
        .addColumn('updated_at', c.timestamp, (col) => col.notNull())
        .execute();
    },
  };
}

export const createShippingAddresses = addressedTo('crm_shipping_addresses', '0002_shipping_addresses');
export const createBillingAddresses = addressedTo('crm_billing_addresses', '0003_billing_addresses');

export const createCustomers: Migration = {
  name: '0004_customers',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('crm_customers')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('shipping_address_id', c.uuid, (col) => col.references('crm_shipping_addresses.id').onDelete('set null'))
      .addColumn('billing_address_id', c.uuid, (col) => col.references('crm_billing_addresses.id').onDelete('set null'))
      .addColumn('contact_email', 'text')
      .addColumn('contact_phone', 'text')
      .addColumn('time_zone', 'text', (col) => col.notNull())
      .addColumn('is_active', c.boolean, (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const customerNameIndex: Migration = {
  name: '0005_customer_name_index',
  async up(db) {
    await db.schema.createIndex('crm_customers_name_idx').on('crm_customers').column('name').execute();
  },
};

export const crmMigrations = [createAddresses, createShippingAddresses, createBillingAddresses, createCustomers, customerNameIndex];
