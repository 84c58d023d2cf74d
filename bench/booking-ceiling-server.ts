/**
 * The ceilings of `npm run bench -- booking-throughput`, run as a process of its own:
 *
 *   CEILING=bare   Fastify answering the bots' form POST with a fixed body (HTTP + form parsing only).
 *   CEILING=group  the least a correct booking needs — one API-key lookup, one ledger insert and one balance
 *                  update per request — with group commit: every request that arrives while a batch commits
 *                  joins the next batch, one transaction (SQLite synchronous=FULL: one fsync) per batch.
 *
 * Env: PORT, CEILING, BACKEND (sqlite|postgres), DB (file or postgres URL), SCHEMA (postgres), KEY (the
 * bot's API key), START_BALANCE and SECONDS_PER_BOOKING (300) in seconds, ACCOUNT_ID (optional: processes
 * started with the same one on the same database share that account — the scale-out bench), WRITE
 * (postgres: `transaction`, the default — BEGIN, UPDATE, INSERT, COMMIT; or `statement` — the batch as ONE
 * statement relative to the account row, so another process's batch waits for the row only while this one
 * commits, as the project's optimistic batches do). GET /integrity reports entries and balance for the
 * checks.
 */
import { createHash, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import fastifyFormbody from '@fastify/formbody';
import pg from 'pg';

const env = process.env;
const SECONDS = Number(env.SECONDS_PER_BOOKING ?? 300);
const START = Number(env.START_BALANCE ?? 0);
const ACCOUNT_ID = env.ACCOUNT_ID ?? randomUUID();
const hash = (value: string) => createHash('sha256').update(value).digest('hex');

interface Pending {
  accountId: string;
  resolve(result: { balanceAfter: number } | { refused: string }): void;
}

interface Store {
  accountOf(keyHash: string): Promise<string | undefined>;
  /** Applies the bookings in order in one transaction. */
  commit(batch: Pending[]): Promise<void>;
  integrity(): Promise<{ entries: number; balance: number; drawn: number }>;
}

async function sqliteStore(file: string): Promise<Store> {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`create table if not exists keys (hash text primary key, account_id text not null);
    create table if not exists accounts (id text primary key, balance integer not null);
    create table if not exists entries (id text primary key, account_id text not null, seconds integer not null, balance_after integer not null, created_at text not null);`);
  db.prepare('insert into accounts values (?, ?) on conflict do nothing').run(ACCOUNT_ID, START);
  db.prepare('insert into keys values (?, ?) on conflict do nothing').run(hash(env.KEY!), ACCOUNT_ID);
  const key = db.prepare('select account_id from keys where hash = ?').pluck();
  const draw = db.prepare('update accounts set balance = balance - ? where id = ? and balance >= ? returning balance').pluck();
  const entry = db.prepare('insert into entries values (?, ?, ?, ?, ?)');
  const apply = db.transaction((batch: Pending[]) =>
    batch.map((p) => {
      const balance = draw.get(SECONDS, p.accountId, SECONDS) as number | undefined;
      if (balance === undefined) return { refused: 'balance' };
      entry.run(randomUUID(), p.accountId, -SECONDS, balance, new Date().toISOString());
      return { balanceAfter: balance };
    }),
  );
  return {
    accountOf: async (keyHash) => key.get(keyHash) as string | undefined,
    async commit(batch) {
      const results = apply(batch);
      batch.forEach((p, i) => p.resolve(results[i]!));
    },
    async integrity() {
      const entries = db.prepare('select count(*) as n, coalesce(sum(-seconds), 0) as drawn from entries').get() as { n: number; drawn: number };
      const balance = db.prepare('select balance from accounts').pluck().get() as number;
      return { entries: entries.n, drawn: entries.drawn, balance };
    },
  };
}

/** The batch's draw and its entries in one statement: $1 the batch's total, $2 the account, $3 the entries' ids in order. */
const BOOK_STATEMENT = `with drawn as (update accounts set balance = balance - $1 where id = $2 and balance >= $1 returning balance)
  insert into entries select e.id, $2, -${SECONDS}, drawn.balance + $1 - e.n * ${SECONDS}, now()
  from drawn, unnest($3::uuid[]) with ordinality as e(id, n) returning balance_after`;

async function postgresStore(url: string, schema: string): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema}` });
  await pool.query(`create schema if not exists ${schema}`);
  await pool.query(`create table if not exists keys (hash text primary key, account_id uuid not null);
    create table if not exists accounts (id uuid primary key, balance bigint not null);
    create table if not exists entries (id uuid primary key, account_id uuid not null, seconds bigint not null, balance_after bigint not null, created_at timestamptz not null)`);
  await pool.query('insert into accounts values ($1, $2) on conflict do nothing', [ACCOUNT_ID, START]);
  await pool.query('insert into keys values ($1, $2) on conflict do nothing', [hash(env.KEY!), ACCOUNT_ID]);
  const writer = await pool.connect();
  return {
    async accountOf(keyHash) {
      const { rows } = await pool.query({ name: 'key', text: 'select account_id from keys where hash = $1', values: [keyHash] });
      return rows[0]?.account_id as string | undefined;
    },
    async commit(batch) {
      // One account here: one UPDATE for the batch's total, one multi-row INSERT with the running balances.
      const total = batch.length * SECONDS;
      if (env.WRITE === 'statement') {
        const { rows } = await writer.query({ name: 'book', text: BOOK_STATEMENT, values: [total, batch[0]!.accountId, batch.map(() => randomUUID())] });
        let balance = Math.max(...rows.map((row) => Number(row.balance_after))) + SECONDS;
        for (const p of batch) p.resolve(rows.length ? { balanceAfter: (balance -= SECONDS) } : { refused: 'balance' });
        return;
      }
      await writer.query('begin');
      try {
        const { rows } = await writer.query('update accounts set balance = balance - $1 where id = $2 and balance >= $1 returning balance', [total, batch[0]!.accountId]);
        if (!rows[0]) {
          await writer.query('rollback');
          for (const p of batch) p.resolve({ refused: 'balance' });
          return;
        }
        let balance = Number(rows[0].balance) + total;
        const values: unknown[] = [];
        const tuples = batch.map((p, i) => {
          balance -= SECONDS;
          values.push(randomUUID(), p.accountId, -SECONDS, balance);
          return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4}, now())`;
        });
        await writer.query(`insert into entries values ${tuples.join(', ')}`, values);
        await writer.query('commit');
        balance = Number(rows[0].balance) + total;
        for (const p of batch) p.resolve({ balanceAfter: (balance -= SECONDS) });
      } catch (error) {
        await writer.query('rollback').catch(() => undefined);
        throw error;
      }
    },
    async integrity() {
      const { rows } = await pool.query('select count(*)::int as n, coalesce(sum(-seconds), 0)::bigint as drawn, (select balance from accounts) as balance from entries');
      return { entries: rows[0].n, drawn: Number(rows[0].drawn), balance: Number(rows[0].balance) };
    },
  };
}

/** Group commit: a batch starts as soon as the previous one is done and takes everything that queued meanwhile. */
function groupCommitter(store: Store): (accountId: string) => Promise<{ balanceAfter: number } | { refused: string }> {
  let queue: Pending[] = [];
  let running = false;
  const drain = async () => {
    running = true;
    while (queue.length) {
      const batch = queue;
      queue = [];
      await store.commit(batch);
      await new Promise((resolve) => setImmediate(resolve)); // let the requests that arrived meanwhile queue up
    }
    running = false;
  };
  return (accountId) =>
    new Promise((resolve) => {
      queue.push({ accountId, resolve });
      if (!running) void drain();
    });
}

async function main() {
  const app = Fastify();
  await app.register(fastifyFormbody);
  if (env.CEILING === 'bare') {
    app.post('/api/executions', async () => ({ success: 'Execution created' }));
  } else {
    const store = env.BACKEND === 'postgres' ? await postgresStore(env.DB!, env.SCHEMA!) : await sqliteStore(env.DB!);
    const book = groupCommitter(store);
    app.post('/api/executions', async (request, reply) => {
      const key = (request.body as Record<string, string>).NADOOIT__API_KEY;
      const accountId = typeof key === 'string' ? await store.accountOf(hash(key)) : undefined;
      if (!accountId) return reply.code(403).send({ error: 'Invalid API Key' });
      const result = await book(accountId);
      if ('refused' in result) return reply.code(400).send({ error: result.refused });
      return { success: 'Execution created', balance_after_seconds: result.balanceAfter };
    });
    app.get('/integrity', () => store.integrity());
  }
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.listen({ host: '127.0.0.1', port: Number(env.PORT) });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

await main();
