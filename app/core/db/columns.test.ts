import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { describeEachBackend, describeWith, serviceUrl } from '../../../test/support/harness.js';
import { openDatabase } from './connection.js';
import { registerBooleanColumns } from './dialects/columns.js';

type Values = {
  col_test_values: {
    id: string;
    amount_micros: number;
    big: number;
    col_test_flag: boolean | null;
    at: string;
    day: string;
    doc: string;
  };
};

registerBooleanColumns('col_test_flag');

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

describeEachBackend('db: portable column values', (h) => {
  const db = () => h().system.context.db.kysely.withTables<Values>();
  before(async () => {
    const c = h().system.context.db.columns;
    await db()
      .schema.createTable('col_test_values')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('amount_micros', c.money, (col) => col.notNull())
      .addColumn('big', c.bigint, (col) => col.notNull())
      .addColumn('col_test_flag', c.boolean)
      .addColumn('at', c.timestamp, (col) => col.notNull())
      .addColumn('day', c.date, (col) => col.notNull())
      .addColumn('doc', c.json, (col) => col.notNull())
      .execute();
    const row = (id: string, flag: boolean | null, amount: number, big: number) => ({
      id,
      amount_micros: amount,
      big,
      col_test_flag: flag,
      at: '2024-02-29T23:59:58.123Z',
      day: '2024-02-29',
      doc: JSON.stringify({ ä: [1, 2] }),
    });
    await db()
      .insertInto('col_test_values')
      .values([
        row('6f1e9a52-3c1b-4f0e-9d51-1c2a3b4c5d01', true, 12_345_678_901_234, MAX_SAFE),
        row('6f1e9a52-3c1b-4f0e-9d51-1c2a3b4c5d02', false, 1_000_000, 1),
        row('6f1e9a52-3c1b-4f0e-9d51-1c2a3b4c5d03', null, 0, 0),
      ])
      .execute();
  });

  it('returns int8 columns, counts and sums as JavaScript numbers', async () => {
    const rows = await db().selectFrom('col_test_values').select(['amount_micros', 'big']).orderBy('big', 'desc').execute();
    assert.deepEqual(rows[0], { amount_micros: 12_345_678_901_234, big: MAX_SAFE });
    const totals = await db()
      .selectFrom('col_test_values')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('amount_micros').as('total')])
      .executeTakeFirstOrThrow();
    assert.deepEqual(totals, { n: 3, total: 12_345_679_901_234 });
    assert.equal(typeof totals.n, 'number');
  });

  it('round-trips booleans (and null) as booleans, also in filters', async () => {
    const rows = await db().selectFrom('col_test_values').select(['id', 'col_test_flag']).orderBy('id').execute();
    assert.deepEqual(
      rows.map((r) => r.col_test_flag),
      [true, false, null],
    );
    const onlyTrue = await db().selectFrom('col_test_values').select('id').where('col_test_flag', '=', true).execute();
    assert.deepEqual(onlyTrue.map((r) => r.id), ['6f1e9a52-3c1b-4f0e-9d51-1c2a3b4c5d01']);
    await db().updateTable('col_test_values').set({ col_test_flag: true }).where('col_test_flag', '=', false).execute();
    const flipped = await db().selectFrom('col_test_values').select('col_test_flag').where('id', '=', '6f1e9a52-3c1b-4f0e-9d51-1c2a3b4c5d02').executeTakeFirstOrThrow();
    assert.equal(flipped.col_test_flag, true);
  });

  it('returns timestamps as the same ISO-8601 UTC string, dates as YYYY-MM-DD and JSON as text', async () => {
    const row = await db().selectFrom('col_test_values').select(['at', 'day', 'doc']).limit(1).executeTakeFirstOrThrow();
    assert.deepEqual(row, { at: '2024-02-29T23:59:58.123Z', day: '2024-02-29', doc: '{"ä":[1,2]}' });
    const later = await db().selectFrom('col_test_values').select('id').where('at', '>', '2024-02-29T23:59:58.122Z').execute();
    assert.equal(later.length, 3, 'ISO strings compare chronologically');
  });
});

// SQLite has no such guard: better-sqlite3 rounds integers beyond 2^53 (docs/database.md states the limit).
describeWith('postgres', 'db: int8 parser [postgres]', () => {
  it('refuses an int8 beyond the safe integer range instead of rounding it', async () => {
    const db = await openDatabase({ kind: 'postgres', url: serviceUrl('postgres')!, max: 1 });
    try {
      const safe = await sql<{ v: number }>`select cast(${String(MAX_SAFE)} as bigint) as v`.execute(db.kysely);
      assert.equal(safe.rows[0]!.v, MAX_SAFE);
      await assert.rejects(sql`select cast(${'9007199254740993'} as bigint) as v`.execute(db.kysely), RangeError);
    } finally {
      await db.close();
    }
  });
});
