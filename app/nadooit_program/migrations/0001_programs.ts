import type { Migration } from '../../core/db/migrator.js';

export const createPrograms: Migration = {
  name: '0001_programs',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('program_programs')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('description', 'text', (col) => col.notNull())
      .addColumn('program_dependencies', 'text', (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};
