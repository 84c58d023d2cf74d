import { sql } from 'kysely';
import type { Migration } from '../../core/db/migrator.js';

/**
 * A per-account sequence number: entries written within the same millisecond still have one order
 * (timestamps alone tie). Added, backfilled in created_at order, then made unique — one step each.
 */
export const ledgerSeqColumn: Migration = {
  name: '0009_ledger_seq',
  async up(db, { columns: c }) {
    await db.schema.alterTable('ta_ledger_entries').addColumn('seq', c.bigint, (col) => col.notNull().defaultTo(0)).execute();
  },
};

export const ledgerSeqBackfill: Migration = {
  name: '0010_ledger_seq_backfill',
  async up(db) {
    const rows = await db.selectFrom('ta_ledger_entries').select(['id', 'time_account_id']).orderBy('time_account_id').orderBy('created_at').orderBy('id').execute();
    const next = new Map<string, number>();
    for (const row of rows) {
      const seq = (next.get(row.time_account_id) ?? 0) + 1;
      next.set(row.time_account_id, seq);
      await db.updateTable('ta_ledger_entries').set({ seq }).where('id', '=', row.id).execute();
    }
  },
};

export const ledgerSeqUnique: Migration = {
  name: '0011_ledger_seq_unique',
  async up(db) {
    await db.schema.createIndex('ta_ledger_entries_account_seq_uq').on('ta_ledger_entries').columns(['time_account_id', 'seq']).unique().execute();
  },
};

/**
 * The last `seq` kept on the account row. A writer that locks the row reads it with the lock: a separate
 * `max(seq)` query after the lock costs a round trip per batch, and folded into the locking SELECT it would
 * see a snapshot older than the lock (PostgreSQL, READ COMMITTED).
 */
export const accountLastSeq: Migration = {
  name: '0015_account_last_seq',
  async up(db, { columns: c }) {
    await db.schema.alterTable('ta_time_accounts').addColumn('last_seq', c.bigint, (col) => col.notNull().defaultTo(0)).execute();
    await db
      .updateTable('ta_time_accounts')
      .set({ last_seq: sql`coalesce((select max(l.seq) from ta_ledger_entries l where l.time_account_id = ta_time_accounts.id), 0)` })
      .execute();
  },
};

export const ledgerSequence: Migration[] = [ledgerSeqColumn, ledgerSeqBackfill, ledgerSeqUnique];
