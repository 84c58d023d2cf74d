import type { Migration } from '../db/migrator.js';

export const jobs: Migration = {
  name: '0003_jobs',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('core_jobs')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('queue', 'text', (col) => col.notNull())
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('payload', c.json, (col) => col.notNull())
      .addColumn('unique_key', 'text', (col) => col.unique())
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('attempts', 'integer', (col) => col.notNull())
      .addColumn('max_attempts', 'integer', (col) => col.notNull())
      .addColumn('run_at', c.timestamp, (col) => col.notNull())
      .addColumn('locked_until', c.timestamp)
      .addColumn('locked_by', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('finished_at', c.timestamp)
      .execute();
  },
};

export const jobIndexes: Migration = {
  name: '0004_job_indexes',
  async up(db) {
    await db.schema.createIndex('core_jobs_claim_idx').on('core_jobs').columns(['queue', 'status', 'run_at']).execute();
  },
};
