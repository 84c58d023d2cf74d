import type { Migration } from '../../core/db/migrator.js';

/** Refunds look up what was drawn for an execution. */
export const ledgerExecutionIndex: Migration = {
  name: '0008_ledger_execution_index',
  async up(db) {
    await db.schema.createIndex('ta_ledger_entries_execution_idx').on('ta_ledger_entries').column('execution_id').execute();
  },
};
