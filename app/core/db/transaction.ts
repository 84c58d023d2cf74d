import { sql } from 'kysely';
import type { IsolationLevel, Transaction } from 'kysely';
import type { Database } from './schema.js';
import { flavorOf } from './connection.js';
import type { DB } from './connection.js';
import { writeWatchOf } from './write-watch.js';

export type Tx = Transaction<Database> | DB;

export interface TransactionHooks {
  /** Runs after the outermost transaction committed (never on rollback, never twice on a retry). */
  afterCommit(callback: () => unknown): void;
}

export interface TransactionOptions {
  isolation?: IsolationLevel;
  maxAttempts?: number;
  /**
   * Called once the COMMIT went through, before its durability is awaited (on SQLite the log sync that
   * follows; see dialects/sqlite.ts): a writer may start its next transaction meanwhile (group-commit.ts).
   */
  committed?: () => void;
}

const pendingHooks = new WeakMap<object, Array<() => unknown>>();

/** SQLSTATE 40001 (serialization failure), 40P01 (deadlock) and SQLite's busy/locked errors. */
export function isRetryable(error: unknown): boolean {
  const e = error as { code?: string } | null;
  const code = e?.code;
  return code === '40001' || code === '40P01' || code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The one way to write: runs `work` in a transaction, retries serialization failures with exponential
 * backoff and jitter, and runs afterCommit callbacks once the data is durable. Called inside another
 * transaction it joins that one (its hooks run when the outer one commits).
 */
export async function transaction<T>(
  db: Tx,
  work: (tx: Transaction<Database>, hooks: TransactionHooks) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  if (db.isTransaction) {
    const trx = db as Transaction<Database>;
    const hooks = pendingHooks.get(trx);
    return work(trx, { afterCommit: (cb) => (hooks ? hooks.push(cb) : void cb()) });
  }
  const maxAttempts = options.maxAttempts ?? 10;
  const flavor = flavorOf(db);
  const watch = writeWatchOf(db);
  for (let attempt = 1; ; attempt++) {
    const callbacks: Array<() => unknown> = [];
    const mark = watch.mark();
    let result: T;
    try {
      result =
        flavor === 'sqlite'
          ? await sqliteImmediate(db, callbacks, work, options.committed)
          : await db
              .transaction()
              .setIsolationLevel(options.isolation ?? (flavor === 'cockroach' ? 'serializable' : 'read committed'))
              .execute(async (trx) => {
                pendingHooks.set(trx, callbacks);
                return work(trx, { afterCommit: (cb) => callbacks.push(cb) });
              });
    } catch (error) {
      if (!isRetryable(error) || attempt >= maxAttempts) throw error;
      const base = Math.min(1000, 5 * 2 ** attempt);
      await sleep(base / 2 + Math.random() * base);
      continue;
    }
    if (flavor !== 'sqlite') options.committed?.();
    watch.committed(mark); // other processes drop what they cached from the tables written (core/db/invalidation.ts)
    // Outside the retry: the work is committed, so a failing callback must never run it again.
    for (const callback of callbacks) await callback();
    return result;
  }
}

/**
 * SQLite: BEGIN IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a
 * read lock; a busy database surfaces as SQLITE_BUSY, which the loop above retries.
 */
async function sqliteImmediate<T>(
  db: DB,
  callbacks: Array<() => unknown>,
  work: (tx: Transaction<Database>, hooks: TransactionHooks) => Promise<T>,
  committed: (() => void) | undefined,
): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    const trx = asTransaction(conn);
    pendingHooks.set(trx, callbacks);
    try {
      const result = await work(trx, { afterCommit: (cb) => callbacks.push(cb) });
      await sql`commit`.execute(conn);
      committed?.();
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}

/** Presents a connection inside BEGIN IMMEDIATE as a transaction (Kysely's own uses plain BEGIN). */
function asTransaction(conn: DB): Transaction<Database> {
  return new Proxy(conn, {
    get(target, property) {
      if (property === 'isTransaction') return true;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as Transaction<Database>;
}
