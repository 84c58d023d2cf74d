import { sql } from 'kysely';
import type { Migration } from '../../core/db/migrator.js';

export const createItems: Migration = {
  name: '0001_items',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('erp_items')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('customer_id', c.uuid, (col) => col.notNull().references('crm_customers.id').onDelete('cascade'))
      .addColumn('sku', 'text', (col) => col.notNull())
      .addColumn('description', 'text', (col) => col.notNull())
      .addColumn('price_micro', c.money, (col) => col.notNull().check(sql`price_micro >= 0`))
      .addColumn('currency', 'text', (col) => col.notNull())
      .addColumn('condition', 'text', (col) => col.notNull())
      .addColumn('quantity_available', c.bigint, (col) => col.notNull())
      .addColumn('minimum_quantity', c.bigint, (col) => col.notNull().check(sql`minimum_quantity >= 0`))
      .addColumn('allow_negative', c.boolean, (col) => col.notNull())
      .addColumn('location', 'text', (col) => col.notNull())
      .addColumn('delivery_options', 'text', (col) => col.notNull())
      .addColumn('link', 'text')
      .addColumn('img_link', 'text')
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .addUniqueConstraint('erp_items_customer_sku_uq', ['customer_id', 'sku'])
      .addCheckConstraint('erp_items_stock_not_negative', sql`allow_negative or quantity_available >= 0`)
      .execute();
  },
};

export const createStockMovements: Migration = {
  name: '0002_stock_movements',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('erp_stock_movements')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('item_id', c.uuid, (col) => col.notNull().references('erp_items.id').onDelete('cascade'))
      .addColumn('seq', c.bigint, (col) => col.notNull())
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('quantity', c.bigint, (col) => col.notNull())
      .addColumn('quantity_after', c.bigint, (col) => col.notNull())
      .addColumn('note', 'text')
      .addColumn('author_user_id', c.uuid, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addUniqueConstraint('erp_stock_movements_seq_uq', ['item_id', 'seq'])
      .execute();
  },
};

export const createLowStockAlerts: Migration = {
  name: '0003_low_stock_alerts',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('erp_low_stock_alerts')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('item_id', c.uuid, (col) => col.notNull().references('erp_items.id').onDelete('cascade'))
      .addColumn('customer_id', c.uuid, (col) => col.notNull().references('crm_customers.id').onDelete('cascade'))
      .addColumn('quantity', c.bigint, (col) => col.notNull())
      .addColumn('minimum_quantity', c.bigint, (col) => col.notNull())
      .addColumn('raised_at', c.timestamp, (col) => col.notNull())
      .addColumn('resolved_at', c.timestamp)
      .execute();
  },
};

export const alertCustomerIndex: Migration = {
  name: '0004_low_stock_alert_customer_index',
  async up(db) {
    await db.schema.createIndex('erp_low_stock_alerts_customer_idx').on('erp_low_stock_alerts').columns(['customer_id', 'resolved_at']).execute();
  },
};

export const alertItemIndex: Migration = {
  name: '0005_low_stock_alert_item_index',
  async up(db) {
    await db.schema.createIndex('erp_low_stock_alerts_item_idx').on('erp_low_stock_alerts').column('item_id').execute();
  },
};

export const erpMigrations: Migration[] = [createItems, createStockMovements, createLowStockAlerts, alertCustomerIndex, alertItemIndex];
