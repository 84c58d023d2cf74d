import type { Migration } from '../../core/db/migrator.js';

export const createKeyManagers: Migration = {
  name: '0001_key_managers',
  async up(db, { columns: c }) {
    let table = db.schema
      .createTable('key_managers')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('user_id', c.uuid, (col) => col.notNull().unique().references('users.id').onDelete('cascade'));
    for (const ability of [
      'can_create_keys',
      'can_delete_keys',
      'can_update_keys',
      'can_create_key_managers',
      'can_delete_key_managers',
      'can_update_key_managers',
    ]) {
      table = table.addColumn(ability, c.boolean, (col) => col.notNull());
    }
    await table
      .addColumn('appointed_by', c.uuid, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};
