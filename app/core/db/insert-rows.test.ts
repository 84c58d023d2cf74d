import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { describeEachBackend } from '../../../test/support/harness.js';
import type { DB } from './connection.js';
import { insertRows } from './insert-rows.js';
import { transaction } from './transaction.js';
import { cachedTables, writeWatchOf } from './write-watch.js';

type Scratch = { insert_rows_test: { id: string; flag: boolean; amount: number; note: string | null; at: string } };
const TABLE = 'insert_rows_test' as never; // a scratch table, not part of the schema
const LIST_CACHE_TABLES = cachedTables('insert_rows_test'); // as a list cache of it would declare
const scratch = (db: DB) => db.withTables<Scratch>();

describeEachBackend('db: insertRows (multi-row INSERT without the query builder)', (h) => {
  const db = () => h().system.context.db.kysely;
  before(async () => {
    await sql`create table insert_rows_test (id text primary key, flag boolean not null, amount bigint not null, note text, at text not null)`.execute(db());
  });

  it('writes every value as given, in statements of at most 30,000 parameters, and counts as an insert for list caches', async () => {
    const rows = Array.from({ length: 7_001 }, (_, i) => ({ id: `r${i}`, flag: i % 2 === 0, amount: i * 1_000_000, note: i % 3 ? `Notiz ${i} – „ä“` : null, at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }));
    const generation = writeWatchOf(db()).contentGeneration(LIST_CACHE_TABLES);
    await transaction(db(), (tx) => insertRows(tx, TABLE, rows)); // 5 columns: 7,001 rows need two statements
    assert.notEqual(writeWatchOf(db()).contentGeneration(LIST_CACHE_TABLES), generation);
    const stored = await scratch(db()).selectFrom('insert_rows_test').selectAll().orderBy('amount').execute();
    assert.equal(stored.length, rows.length);
    for (const i of [0, 1, 2, 3, 5_999, 6_000, 7_000]) {
      const row = stored[i]!;
      assert.deepEqual({ ...row, amount: Number(row.amount), flag: Boolean(row.flag) }, rows[i]);
    }
  });

  it('refuses rows of different shapes before writing anything', async () => {
    const rows = [
      { id: 'a', flag: true, amount: 1, note: null, at: '2026-01-01T00:00:00.000Z' },
      { id: 'b', flag: true, amount: 1, at: '2026-01-01T00:00:00.000Z' },
    ];
    await assert.rejects(transaction(db(), (tx) => insertRows(tx, TABLE, rows as never)), /every row needs the columns/);
    assert.equal((await scratch(db()).selectFrom('insert_rows_test').select('id').where('id', 'in', ['a', 'b']).execute()).length, 0);
  });

  it('adds to the rows that exist and inserts the others when asked to upsert', async () => {
    const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
    const row = (id: string, amount: number, second: number) => ({ id, flag: true, amount, note: 'erste', at: at(second) });
    await transaction(db(), (tx) => insertRows(tx, TABLE, [row('u1', 5, 1), row('u2', 7, 1)]));
    const upsert = { key: ['id'], add: ['amount'], set: ['at'] } as never;
    await transaction(db(), (tx) => insertRows(tx, TABLE, [{ ...row('u2', 3, 2), note: 'zweite' }, row('u3', 1, 2)], upsert));
    const stored = await scratch(db()).selectFrom('insert_rows_test').select(['id', 'amount', 'note', 'at']).where('id', 'in', ['u1', 'u2', 'u3']).orderBy('id').execute();
    assert.deepEqual(
      stored.map((r) => ({ ...r, amount: Number(r.amount) })),
      [
        { id: 'u1', amount: 5, note: 'erste', at: at(1) },
        { id: 'u2', amount: 10, note: 'erste', at: at(2) },
        { id: 'u3', amount: 1, note: 'erste', at: at(2) },
      ],
    );
  });
});
