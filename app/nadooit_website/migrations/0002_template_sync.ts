import type { Migration } from '../../core/db/migrator.js';

/**
 * Template import/export bookkeeping: `synced_hash` is the content as last written to or read from the
 * template folder (an admin edit since then makes the row differ, so an import reports a conflict instead
 * of overwriting it); `source_id` keeps a template file's id that is not a UUID (the original's plugin ids
 * are CockroachDB integers), so a re-import finds the row again.
 */
export const templateSyncMigrations: Migration[] = [
  {
    name: '0036_sections_synced_hash',
    async up(db) {
      await db.schema.alterTable('web_sections').addColumn('synced_hash', 'text').execute();
    },
  },
  {
    name: '0037_plugins_synced_hash',
    async up(db) {
      await db.schema.alterTable('web_plugins').addColumn('synced_hash', 'text').execute();
    },
  },
  {
    name: '0038_plugins_source_id',
    async up(db) {
      await db.schema.alterTable('web_plugins').addColumn('source_id', 'text').execute();
    },
  },
  {
    name: '0039_plugins_source_id_index',
    async up(db) {
      await db.schema.createIndex('web_plugins_source_id_idx').on('web_plugins').column('source_id').execute();
    },
  },
];
