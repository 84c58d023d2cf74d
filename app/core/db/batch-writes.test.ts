import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { describeEachBackend, describeOnBackend } from '../../../test/support/harness.js';
import { executeWrites, MAX_PARAMETERS, statementsOf } from './batch-writes.js';
import { insertWrites } from './insert-rows.js';
import type { BatchWrite } from './batch-writes.js';
import type { DB } from './connection.js';
import { transaction } from './transaction.js';
import { cachedTables, writeWatchOf } from './write-watch.js';

const write = (table: string, parameterCount: number, kind: BatchWrite['kind'] = 'insert'): BatchWrite => ({
  table,
  kind,
  text: `insert into ${table} values (${Array(parameterCount).fill('?').join(', ')})`,
  parameters: Array.from({ length: parameterCount }, (_, i) => `${table}${i}`),
});

describe('db: statementsOf (how a flush is sent)', () => {
  it('joins the writes on PostgreSQL into one statement of data-modifying CTEs, numbering the parameters through', () => {
    const statements = statementsOf([write('a', 2), write('b', 1), write('c', 2)], 'postgres');
    assert.deepEqual(statements, [
      {
        text: 'with w1 as (insert into a values ($1, $2)), w2 as (insert into b values ($3)) insert into c values ($4, $5)',
        parameters: ['a0', 'a1', 'b0', 'c0', 'c1'],
      },
    ]);
  });

  it('starts a new statement before a table would be written twice or the parameters exceed the limit', () => {
    const writes = [write('a', 10), write('b', 10), write('a', 10), write('c', MAX_PARAMETERS - 15), write('d', 10)];
    const statements = statementsOf(writes, 'cockroach');
    assert.deepEqual(
      statements.map((s) => s.parameters.length),
      [20, 10 + MAX_PARAMETERS - 15, 10],
    );
    assert.ok(statements.every((s) => s.parameters.length <= MAX_PARAMETERS));
    assert.equal(statements[1]!.text, `with w1 as (insert into a values ($1, ${Array.from({ length: 9 }, (_, i) => `$${i + 2}`).join(', ')})) insert into c values (${Array.from({ length: MAX_PARAMETERS - 15 }, (_, i) => `$${i + 11}`).join(', ')})`);
  });

  it('makes named writes CTEs of that name and, with a result query, every write a CTE read by it', () => {
    const named = { ...write('a', 1, 'update'), name: 'moved' };
    assert.deepEqual(statementsOf([named, write('b', 1)], 'postgres', 'select * from "moved"'), [
      { text: 'with "moved" as (insert into a values ($1)), w2 as (insert into b values ($2)) select * from "moved"', parameters: ['a0', 'b0'] },
    ]);
    assert.throws(() => statementsOf([named, write('a', 1)], 'postgres'), /must fit one statement/);
    assert.throws(() => statementsOf([write('a', 1)], 'sqlite', 'select 1'), /SQLite runs each write alone/);
  });

  it('remembers each flush\'s text apart: the same write texts with another name, order or result give their own statement', () => {
    const a = write('a', 1);
    const b = write('b', 1);
    const texts = () => [
      statementsOf([a, b], 'postgres')[0]!.text,
      statementsOf([b, a], 'postgres')[0]!.text,
      statementsOf([{ ...a, name: 'moved' }, b], 'postgres', 'select * from "moved"')[0]!.text,
      statementsOf([a, b], 'postgres', 'select 1')[0]!.text,
    ];
    const first = texts();
    assert.deepEqual(first, [
      'with w1 as (insert into a values ($1)) insert into b values ($2)',
      'with w1 as (insert into b values ($1)) insert into a values ($2)',
      'with "moved" as (insert into a values ($1)), w2 as (insert into b values ($2)) select * from "moved"',
      'with w1 as (insert into a values ($1)), w2 as (insert into b values ($2)) select 1',
    ]);
    assert.deepEqual(texts(), first);
  });

  it('sends each write alone on SQLite, as written', () => {
    const writes = [write('a', 2), write('b', 1)];
    assert.deepEqual(statementsOf(writes, 'sqlite'), writes.map((w) => ({ text: w.text, parameters: w.parameters })));
  });
});

type Scratch = { batch_writes_test: { id: string; amount: number } };
const scratch = (db: DB) => db.withTables<Scratch>();

describeEachBackend('db: executeWrites', (h) => {
  const db = () => h().system.context.db.kysely;
  before(async () => {
    await sql`create table batch_writes_test (id text primary key, amount bigint not null)`.execute(db());
    await sql`create table batch_writes_other (id text primary key)`.execute(db());
  });

  const rows = async () =>
    (await scratch(db()).selectFrom('batch_writes_test').selectAll().orderBy('id').execute()).map((r) => ({ id: r.id, amount: Number(r.amount) }));

  it('applies inserts, upserts and updates of one flush, and the write watch counts them as Kysely writes', async () => {
    await sql`insert into batch_writes_test values ('kept', 1)`.execute(db());
    const watch = writeWatchOf(db());
    cachedTables('batch_writes_test', 'batch_writes_other');
    const updates = watch.generation(['batch_writes_test']);
    const inserts = watch.contentGeneration(['batch_writes_other']);
    await transaction(db(), (tx) =>
      executeWrites(tx, [
        { table: 'batch_writes_other', kind: 'insert', text: 'insert into batch_writes_other (id) values (?), (?)', parameters: ['x', 'y'] },
        { table: 'batch_writes_test', kind: 'update', text: 'update batch_writes_test set amount = amount + ? where id = ?', parameters: [41, 'kept'] },
      ]),
    );
    await transaction(db(), (tx) =>
      executeWrites(tx, [
        {
          table: 'batch_writes_test',
          kind: 'insert',
          text: 'insert into batch_writes_test (id, amount) values (?, ?), (?, ?) on conflict (id) do update set amount = batch_writes_test.amount + excluded.amount',
          parameters: ['kept', 100, 'new', 7],
        },
      ]),
    );
    assert.deepEqual(await rows(), [
      { id: 'kept', amount: 142 },
      { id: 'new', amount: 7 },
    ]);
    assert.equal((await scratch(db()).withTables<{ batch_writes_other: { id: string } }>().selectFrom('batch_writes_other').select('id').execute()).length, 2);
    assert.notEqual(watch.generation(['batch_writes_test']), updates, 'an update drops cached rows');
    assert.notEqual(watch.contentGeneration(['batch_writes_other']), inserts, 'an insert drops cached lists');
  });

  it('leaves nothing of a flush whose last write fails', async () => {
    const before = await rows();
    await assert.rejects(
      transaction(db(), (tx) =>
        executeWrites(tx, [
          { table: 'batch_writes_other', kind: 'insert', text: 'insert into batch_writes_other (id) values (?)', parameters: ['z'] },
          { table: 'batch_writes_test', kind: 'insert', text: 'insert into batch_writes_test (id, amount) values (?, ?), (?, ?)', parameters: ['twice', 1, 'twice', 2] },
        ]),
      ),
    );
    assert.deepEqual(await rows(), before);
    assert.equal((await scratch(db()).withTables<{ batch_writes_other: { id: string } }>().selectFrom('batch_writes_other').select('id').where('id', '=', 'z').execute()).length, 0);
  });
});

describeOnBackend('postgres', 'db: executeWrites keeps the plan of a flush', (h) => {
  const db = () => h().system.context.db.kysely;
  before(async () => {
    await sql`create table kept_plan_test (id text primary key, amount bigint not null)`.execute(db());
  });

  it('sends a flush as a named statement that later flushes with other rows run again instead of planning anew', async () => {
    const text = 'insert into kept_plan_test (id, amount) select id, amount from json_populate_recordset(null::kept_plan_test, ?)';
    const flush = (rows: object[]): BatchWrite[] => [{ table: 'kept_plan_test', kind: 'insert', text, parameters: [JSON.stringify(rows)] }];
    const prepared = await db()
      .connection()
      .execute(async (connection) => {
        await executeWrites(connection, flush([{ id: 'a', amount: 1 }]));
        await executeWrites(connection, flush([{ id: 'b', amount: 2 }, { id: 'c', amount: 3 }]));
        await executeWrites(connection, flush([{ id: 'd', amount: 4 }]));
        return (await sql<{ runs: number }>`select generic_plans + custom_plans as runs from pg_prepared_statements where statement = ${text.replace('?', '$1')}`.execute(connection)).rows;
      });
    assert.deepEqual(prepared.map((p) => Number(p.runs)), [3], 'one statement of this connection, run three times');
    assert.deepEqual((await scratch(db()).withTables<{ kept_plan_test: { id: string } }>().selectFrom('kept_plan_test').select('id').orderBy('id').execute()).map((r) => r.id), ['a', 'b', 'c', 'd']);
  });
});

describeOnBackend('postgres', 'db: writes relative to what an earlier write of the statement found', (h) => {
  const db = () => h().system.context.db.kysely;
  before(async () => {
    await sql`create table shift_accounts_test (id text primary key, balance bigint not null)`.execute(db());
    await sql`create table shift_entries_test (id text primary key, account text, after bigint not null, note bigint)`.execute(db());
    await sql`insert into shift_accounts_test values ('a', 1000), ('b', 10)`.execute(db());
  });
  type Entry = { id: string; account: string | null; after: number; note: number | null };
  const TABLE = 'shift_entries_test' as never;
  const take = (amounts: Record<string, number>): BatchWrite => ({
    table: 'shift_accounts_test',
    kind: 'update',
    name: 'taken',
    text:
      'update shift_accounts_test as t set balance = t.balance - v.amount from json_to_recordset(?) as v(id text, amount bigint)' +
      ' where t.id = v.id and t.balance >= v.amount returning t.id, t.balance + v.amount - 900 as shift',
    parameters: [JSON.stringify(Object.entries(amounts).map(([id, amount]) => ({ id, amount })))],
  });
  const entries = (rows: Entry[], unmatched: 'fails' | 'unshifted') =>
    insertWrites(TABLE, rows as never, 'postgres', { shift: { write: 'taken', key: 'account', add: { after: 'shift' }, unmatched } as never });
  const stored = async () =>
    (await sql<Entry>`select id, account, after, note from shift_entries_test order by id`.execute(db())).rows.map((r) => ({ ...r, after: Number(r.after), note: r.note === null ? null : Number(r.note) }));

  it('shifts the rows by what the named write returned, and hands back the result query rows', async () => {
    // Computed as if account a held 900; it holds 1000.
    const rows: Entry[] = [
      { id: 'e1', account: 'a', after: 890, note: 1 },
      { id: 'e2', account: null, after: 5, note: null },
    ];
    const result = await transaction(db(), (tx) => executeWrites(tx, [take({ a: 10 }), ...entries(rows, 'unshifted')], 'select id, shift from taken'));
    assert.deepEqual(result.map((r) => ({ id: r.id, shift: Number(r.shift) })), [{ id: 'a', shift: 100 }]);
    assert.deepEqual(await stored(), [
      { id: 'e1', account: 'a', after: 990, note: 1 },
      { id: 'e2', account: null, after: 5, note: null },
    ]);
  });

  it('fails the whole statement when a row must be shifted and its write found nothing', async () => {
    const before = await stored();
    const rows: Entry[] = [{ id: 'e3', account: 'b', after: 0, note: null }];
    await assert.rejects(transaction(db(), (tx) => executeWrites(tx, [take({ b: 50 }), ...entries(rows, 'fails')], 'select id from taken')), (error: { code?: string }) => error.code === '23502');
    assert.deepEqual(await stored(), before);
    assert.equal(Number((await sql<{ balance: string }>`select balance from shift_accounts_test where id = 'b'`.execute(db())).rows[0]!.balance), 10);
  });
});
