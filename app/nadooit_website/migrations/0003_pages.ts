import type { Migration } from '../../core/db/migrator.js';
import { index, table } from './0001_website.js';

/** Editable content pages (Impressum, Datenschutz), one row per URL slug. */
export const pageMigrations: Migration[] = [
  table('web_pages', '0040_pages', (t, c) =>
    t
      .addColumn('slug', 'text', (col) => col.notNull())
      .addColumn('title', 'text', (col) => col.notNull())
      .addColumn('html', 'text', (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull()),
  ),
  index('0041_pages_slug', 'web_pages_slug_uq', 'web_pages', ['slug'], true),
];
