import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, DatabaseTarget } from '../../db/connection.js';
import type { QueueOptions } from '../options.js';
import type { Queue, TaskDefinition } from '../types.js';

/** What the shared queue tests need from a driver under test. */
export interface QueueTestEnv {
  driver: 'db' | 'redis';
  /** A migrated database (for enqueueWithin and job effects). */
  db: Db;
  /** How a child process reaches the same database. */
  target: DatabaseTarget;
  redisUrl?: string;
  /** Options every queue of this environment uses (e.g. a key prefix); also given to child workers. */
  baseOptions: QueueOptions;
  /** A queue of this driver; tests pass the same `name` to let several workers share it. */
  open(tasks: TaskDefinition<any>[], options: QueueOptions & { name: string }): Queue;
  /** Jobs not yet finished (waiting, delayed or active). */
  pending(queue: Queue): Promise<number>;
  /** Closes the queues opened by the current test and deletes their jobs. */
  cleanup(): Promise<void>;
}

/** Options that keep the tests fast; the behaviour under test is the same as with the defaults. */
export const FAST: QueueOptions = {
  pollIntervalMs: 25,
  backoffMs: 40,
  visibilityTimeoutMs: 5_000,
  shutdownGraceMs: 3_000,
};

export const uniqueName = (prefix = 'q') => `${prefix}-${randomBytes(5).toString('hex')}`;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `condition` holds; fails with `label` after `timeoutMs` (a bound, not a timing assertion). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  label: string | (() => string),
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${typeof label === 'string' ? label : label()}`);
    await sleep(20);
  }
}

/** How a test process reaches the database behind `db` from a child process. */
export async function targetOf(db: Db): Promise<DatabaseTarget> {
  if (db.flavor === 'sqlite') {
    const { rows } = await sql<{ name: string; file: string }>`pragma database_list`.execute(db.kysely);
    return { kind: 'sqlite', file: rows.find((r) => r.name === 'main')!.file };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('targetOf(postgres) needs TEST_DATABASE_URL');
  // The test database may be one of its own on that server (a copy of the migrated template) or a schema.
  const { rows } = await sql<{ database: string; schema: string }>`select current_database() as database, current_schema() as schema`.execute(db.kysely);
  const own = new URL(url);
  own.pathname = `/${rows[0]!.database}`;
  return { kind: 'postgres', url: own.toString(), searchPath: rows[0]!.schema };
}

/** A table for observable, idempotent job effects: one row per key, whoever writes it first. */
export type EffectsTable = {
  queue_test_effects: { key: string; worker: string };
};

export async function createEffectsTable(db: Db): Promise<void> {
  await db.kysely.schema
    .createTable('queue_test_effects')
    .ifNotExists()
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('worker', 'text', (c) => c.notNull())
    .execute();
}

/** The idempotent effect: inserting the same key twice leaves one row. */
export async function recordEffect(db: Db, key: string, worker: string): Promise<void> {
  await db.kysely
    .withTables<EffectsTable>()
    .insertInto('queue_test_effects')
    .values({ key, worker })
    .onConflict((c) => c.column('key').doNothing())
    .execute();
}

export async function effects(db: Db, key: string): Promise<Array<{ key: string; worker: string }>> {
  return db.kysely.withTables<EffectsTable>().selectFrom('queue_test_effects').selectAll().where('key', '=', key).execute();
}

export const KILL_TASK = 'test.kill_effect';

/** Passed to testing/kill-worker.ts through the environment. */
export interface KillWorkerConfig {
  driver: 'db' | 'redis';
  target: DatabaseTarget;
  redisUrl?: string;
  options: QueueOptions & { name: string };
}
