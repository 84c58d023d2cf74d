import type { Migration } from '../../core/db/migrator.js';

/** Editable content pages (Impressum, Datenschutz), one row per URL slug. */
export const pageMigrations: Migration[] = [
  {
    name: '0040_pages',
    async up(db, { columns: c }) {
      await db.schema
        .createTable('web_pages')
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('slug', 'text', (col) => col.notNull())
        .addColumn('title', 'text', (col) => col.notNull())
        .addColumn('html', 'text', (col) => col.notNull())
        .addColumn('created_at', c.timestamp, (col) => col.notNull())
        .addColumn('updated_at', c.timestamp, (col) => col.notNull())
        .execute();
    },
  },
  {
    name: '0041_pages_slug',
    async up(db) {
      await db.schema.createIndex('web_pages_slug_uq').on('web_pages').column('slug').unique().execute();
    },
  },
];
