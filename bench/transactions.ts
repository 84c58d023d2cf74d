import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { sql } from 'kysely';
import type { Db } from '../app/core/db/connection.js';
import { transaction } from '../app/core/db/transaction.js';
import { benchBackends, benchSystem } from './executions-setup.js';
import { defineBenchmark } from './support/registry.js';
import type { BenchRow } from './support/registry.js';

const ACCOUNTS = 1_000;
const CONCURRENCY = Number(process.env.BENCH_TX_CONCURRENCY ?? 8);

type Tables = {
  bench_accounts: { id: string; balance: number };
  bench_entries: { id: string; account_id: string; amount: number; created_at: string };
};

/** One unit of work, identical on every path: record an entry, move the account's balance. */
interface Work {
  tx(accountId: string): Promise<void>;
}

const accountIds = Array.from({ length: ACCOUNTS }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
const pick = () => accountIds[Math.floor(Math.random() * ACCOUNTS)]!;

async function createTables(db: Db): Promise<void> {
  const k = db.kysely.withTables<Tables>();
  await k.schema.createTable('bench_accounts').addColumn('id', db.columns.uuid, (c) => c.primaryKey()).addColumn('balance', db.columns.money, (c) => c.notNull()).execute();
  await k.schema
    .createTable('bench_entries')
    .addColumn('id', db.columns.uuid, (c) => c.primaryKey())
    .addColumn('account_id', db.columns.uuid, (c) => c.notNull())
    .addColumn('amount', db.columns.money, (c) => c.notNull())
    .addColumn('created_at', db.columns.timestamp, (c) => c.notNull())
    .execute();
  await k.insertInto('bench_accounts').values(accountIds.map((id) => ({ id, balance: 0 }))).execute();
}

function ours(db: Db): Work {
  return {
    tx: (accountId) =>
      transaction(db.kysely, async (tx) => {
        const t = tx.withTables<Tables>();
        await t.insertInto('bench_entries').values({ id: randomUUID(), account_id: accountId, amount: 1_000_000, created_at: new Date().toISOString() }).execute();
        await t.updateTable('bench_accounts').set((eb) => ({ balance: eb('balance', '+', 1_000_000) })).where('id', '=', accountId).execute();
      }),
  };
}

/** better-sqlite3 on its own connection to the same file: prepared statements in BEGIN IMMEDIATE. */
function rawSqlite(file: string): Work & { close(): void } {
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  const insert = raw.prepare('insert into bench_entries (id, account_id, amount, created_at) values (?, ?, ?, ?)');
  const update = raw.prepare('update bench_accounts set balance = balance + ? where id = ?');
  const work = raw.transaction((accountId: string) => {
    insert.run(randomUUID(), accountId, 1_000_000, new Date().toISOString());
    update.run(1_000_000, accountId);
  });
  return { tx: async (accountId) => void work.immediate(accountId), close: () => raw.close() };
}

/** pg clients (one per concurrent loop) sending the same four statements. */
function rawPostgres(url: string, schema: string): Work & { close(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max: CONCURRENCY, options: `-c search_path=${schema}` });
  return {
    async tx(accountId) {
      const client = await pool.connect();
      try {
        await client.query('begin isolation level read committed');
        await client.query('insert into bench_entries (id, account_id, amount, created_at) values ($1, $2, $3, $4)', [randomUUID(), accountId, 1_000_000, new Date().toISOString()]);
        await client.query('update bench_accounts set balance = balance + $1 where id = $2', [1_000_000, accountId]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Transactions per second with `loops` concurrent callers for `seconds`. */
async function measure(work: Work, seconds: number, loops: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  const loop = async () => {
    while (performance.now() < until) {
      await work.tx(pick());
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: loops }, loop));
  return done / ((performance.now() - started) / 1000);
}

/** Alternates short rounds of both paths, so drift in the machine's load hits them alike. */
async function compare(a: Work, b: Work, seconds: number, loops: number): Promise<[number, number]> {
  const rounds = 4;
  let [sumA, sumB] = [0, 0];
  for (let i = 0; i < rounds; i++) {
    sumA += await measure(a, seconds / rounds, loops);
    sumB += await measure(b, seconds / rounds, loops);
  }
  return [sumA / rounds, sumB / rounds];
}

function pair(label: string, oursTps: number, rawTps: number, rawName: string): BenchRow {
  return { case: label, 'transaction() tx/s': Math.round(oursTps), [`raw tx/s`]: Math.round(rawTps), raw: rawName, 'ours/raw': Number((oursTps / rawTps).toFixed(2)) };
}

export default defineBenchmark({
  description: 'Write transactions (one INSERT + one UPDATE) through transaction() beside the raw driver doing the same work',
  async run({ seconds, log }) {
    const rows: BenchRow[] = [];
    for (const backend of benchBackends()) {
      const bench = await benchSystem(backend, CONCURRENCY);
      const db = bench.system.context.db;
      try {
        await createTables(db);
        if (backend === 'sqlite') {
          const { rows: files } = await sql<{ name: string; file: string }>`pragma database_list`.execute(db.kysely);
          const raw = rawSqlite(files.find((f) => f.name === 'main')!.file);
          try {
            log(`sqlite: transaction() and better-sqlite3, ${seconds} s each`);
            const [mine, theirs] = await compare(ours(db), raw, seconds, 1);
            rows.push(pair('sqlite, 1 writer', mine, theirs, 'better-sqlite3'));
          } finally {
            raw.close();
          }
        } else {
          const { rows: schemas } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely);
          const raw = rawPostgres(process.env.TEST_DATABASE_URL!, schemas[0]!.schema);
          try {
            for (const loops of [1, CONCURRENCY]) {
              log(`postgres: transaction() and pg with ${loops} concurrent, ${seconds} s each`);
              const [mine, theirs] = await compare(ours(db), raw, seconds, loops);
              rows.push(pair(`postgres, ${loops} concurrent`, mine, theirs, 'pg'));
            }
          } finally {
            await raw.close();
          }
        }
      } finally {
        await bench.close();
      }
    }
    return rows;
  },
});
