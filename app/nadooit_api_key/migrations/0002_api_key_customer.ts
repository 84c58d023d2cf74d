import type { Migration } from '../../core/db/migrator.js';

/** The customer a key was issued for (optional): lets managers scope and revoke keys per customer. */
export const apiKeyCustomer: Migration = {
  name: '0006_api_key_customer',
  async up(db, { columns: c }) {
    await db.schema
      .alterTable('api_keys')
      .addColumn('customer_id', c.uuid, (col) => col.references('crm_customers.id').onDelete('set null'))
      .execute();
  },
};
