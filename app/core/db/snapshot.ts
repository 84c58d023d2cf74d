import Database from 'better-sqlite3';
import type pg from 'pg';
import { performance } from 'node:perf_hooks';
import type { CompiledQuery } from 'kysely';

/**
 * Long reads (CSV exports of millions of rows) from ONE consistent snapshot, on a connection of their own,
 * in batches of raw row arrays (no object per row), so memory stays flat and nothing else waits for them:
 * - SQLite: a read transaction on a separate read-only connection to the same file. In WAL mode the writer
 *   goes on committing while the snapshot stays as it was when the first row was read. better-sqlite3 is
 *   synchronous, so the reader hands the event loop back after every batch (setImmediate).
 * - PostgreSQL: REPEATABLE READ, READ ONLY transaction on a pooled connection of its own and a cursor
 *   fetched batch by batch.
 * The consumer pulls (an async generator, e.g. through Readable.from), so a slow client holds the next
 * batch back instead of letting it pile up. Stopping early (client gone) ends the transaction and
 * releases the connection.
 */
export type SnapshotSource = { kind: 'sqlite'; file: string } | { kind: 'postgres'; pool: pg.Pool };

const sources = new WeakMap<object, SnapshotSource>();

/** openDatabase registers where a handle's snapshots come from (by its adapter, shared with its transactions). */
export function registerSnapshotSource(adapter: object, source: SnapshotSource): void {
  sources.set(adapter, source);
}

type Handle = { getExecutor(): { adapter: object }; executeQuery<R>(query: CompiledQuery<R>): Promise<{ rows: R[] }> };

export const SNAPSHOT_BATCH = 5000;

/** A batch is handed on when it is full or has taken this long to read (so a loaded machine still answers in time). */
const SLICE_MS = 10;

/**
 * The rows of `queries` (compiled for the handle's dialect), run one after the other in ONE snapshot, as
 * arrays in column order, batch by batch; a batch holds rows of one query only (small lookups first, the
 * long one last).
 */
export interface SnapshotBatch {
  /** Index of the query in `queries`. */
  query: number;
  rows: unknown[][];
}

export function readSnapshot(handle: Handle, queries: CompiledQuery[], batchSize = SNAPSHOT_BATCH): AsyncGenerator<SnapshotBatch> {
  const source = sources.get(handle.getExecutor().adapter);
  if (!source) return wholeResult(handle, queries, batchSize);
  return source.kind === 'sqlite' ? sqliteSnapshot(source.file, queries, batchSize) : postgresSnapshot(source.pool, queries, batchSize);
}

/** An in-memory SQLite database has no second connection: one query on the handle itself (tests only). */
async function* wholeResult(handle: Handle, queries: CompiledQuery[], batchSize: number): AsyncGenerator<SnapshotBatch> {
  for (const [index, query] of queries.entries()) {
    const rows = (await handle.executeQuery(query)).rows.map((row) => Object.values(row as object));
    for (let start = 0; start < rows.length; start += batchSize) yield { query: index, rows: rows.slice(start, start + batchSize) };
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function sqliteParameter(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}

async function* sqliteSnapshot(file: string, queries: CompiledQuery[], batchSize: number): AsyncGenerator<SnapshotBatch> {
  const reader = new Database(file, { readonly: true, fileMustExist: true });
  try {
    reader.pragma('busy_timeout = 5000');
    reader.exec('begin');
    for (const [index, query] of queries.entries()) {
      const rows = reader
        .prepare(query.sql)
        .raw(true)
        .iterate(...query.parameters.map(sqliteParameter)) as IterableIterator<unknown[]>;
      let batch: unknown[][] = [];
      let started = performance.now();
      for (const row of rows) {
        batch.push(row);
        if (batch.length < batchSize && (batch.length & 255 || performance.now() - started < SLICE_MS)) continue;
        yield { query: index, rows: batch };
        await nextTurn();
        batch = [];
        started = performance.now();
      }
      if (batch.length) yield { query: index, rows: batch };
    }
  } finally {
    reader.close(); // ends the read transaction and a still open statement
  }
}

async function* postgresSnapshot(pool: pg.Pool, queries: CompiledQuery[], batchSize: number): AsyncGenerator<SnapshotBatch> {
  const client = await pool.connect();
  let healthy = false;
  try {
    await client.query('begin isolation level repeatable read read only');
    for (const [index, query] of queries.entries()) {
      await client.query({ text: `declare snapshot_rows no scroll cursor for ${query.sql}`, values: query.parameters as unknown[] });
      for (;;) {
        const { rows } = await client.query<unknown[]>({ text: `fetch forward ${batchSize} from snapshot_rows`, rowMode: 'array' });
        if (rows.length) yield { query: index, rows };
        if (rows.length < batchSize) break;
      }
      await client.query('close snapshot_rows');
    }
    await client.query('commit');
    healthy = true;
  } finally {
    if (!healthy) await client.query('rollback').then(() => (healthy = true), () => undefined);
    client.release(healthy ? undefined : true);
  }
}
