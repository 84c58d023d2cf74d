import type { Migration } from '../../core/db/migrator.js';

/**
 * Enrolment links made by key managers add only a person's FIRST key (issue 10): `first_key_only` links stop
 * working once the person has any key. Links that existed before this step count as first-key-only too.
 */
export const tokensFirstKeyOnly: Migration = {
  name: '0012_tokens_first_key_only',
  async up(db, { columns: c }) {
    await db.schema
      .alterTable('auth_tokens')
      .addColumn('first_key_only', c.boolean, (col) => col.notNull().defaultTo(true))
      .execute();
  },
};
