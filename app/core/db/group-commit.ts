import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import { flavorOf } from './connection.js';
import type { DB } from './connection.js';
import type { Flavor } from './dialects/columns.js';
import type { Database } from './schema.js';
import { transaction } from './transaction.js';
import type { TransactionHooks } from './transaction.js';
import { DurabilityError } from './wal-sync.js';

/**
 * The work of one batch: `prepare` may read what all jobs need at once, `run` applies one job inside the
 * batch's transaction, `flush` writes what the jobs share.
 */
export interface BatchWork<Job, Result> {
  prepare?(jobs: Job[]): Promise<void>;
  run(job: Job): Promise<Result>;
  flush(): Promise<void>;
  /** After the batch committed (e.g. to keep what the next optimistic batch may assume). */
  committed?(): void;
}

/**
 * Thrown by optimistic work (GroupCommitKind.optimistic) before it wrote anything, when it cannot go on
 * without reading under a lock: the batch then runs in a transaction.
 */
export class OptimisticMiss extends Error {
  override name = 'OptimisticMiss';
}

export interface GroupCommitKind<Job, Result> {
  /** A name for this kind of writer (one writer per database handle and kind). */
  name: string;
  /** Starts the work of one batch in its transaction. */
  begin(tx: Transaction<Database>, flavor: Flavor): BatchWork<Job, Result>;
  /**
   * Work that tries a batch without a transaction first, or null: it reads nothing under a lock, assumes
   * what earlier batches of this process left, and its flush writes everything in ONE statement (atomic by
   * itself, one round trip) that fails with a database error when an assumption was wrong — a unique key
   * taken meanwhile, say. It throws OptimisticMiss when it cannot assume enough. After either, nothing was
   * written and the batch runs in a transaction (`begin`).
   */
  optimistic?(db: DB, flavor: Flavor): BatchWork<Job, Result> | null;
  /** An error `run` throws that is that job's answer (e.g. a refusal): the batch goes on without the job. */
  isRefusal?(error: unknown): boolean;
  /** Upper bound of one batch; more waiting jobs go into the next one. */
  maxBatch?: number;
  /**
   * 'relaxed': a batch is committed (visible to every reader, safe from a crash of the process) but not
   * flushed to disk before its callers are answered — SQLite commits it with synchronous=NORMAL (the WAL is
   * synced by the next FULL commit or checkpoint), PostgreSQL with synchronous_commit=off. A power cut may
   * lose the last batches; nothing is ever half-written. For data whose loss costs nothing but a count
   * (website visits and signals), never for money. Default 'full' (the connection's setting).
   */
  durability?: 'full' | 'relaxed';
}

interface Waiting<Job, Result> {
  job: Job;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

type Outcome<Result> = { ok: Result } | { refused: unknown };

export const DEFAULT_MAX_BATCH = 2000;

/**
 * Group commit: one writer per database handle and kind (so per process). A job that arrives while no batch
 * runs starts one at the end of the current event-loop turn (setImmediate — no timer, so a lone job waits
 * for nothing); jobs that arrive while a batch commits queue up and form the next batch, so the batch size
 * adapts to the load by itself (bounded by maxBatch). Each batch is ONE transaction (one commit, one fsync)
 * in arrival order, and every caller gets its own result only after that commit.
 *
 * A refusal (`isRefusal`) is that job's answer and the batch goes on. Any other error (a constraint, a lost
 * connection, a failed commit) rolls the batch back, and its jobs are then committed one by one, so only
 * the job at fault fails. A serialization failure or deadlock re-runs the whole batch (`transaction()`);
 * nothing of a rolled-back attempt remains, so no job is applied twice. A commit whose log could not be
 * synced (DurabilityError) is not rolled back: every job of the batch gets that error, none runs again.
 *
 * A kind with `optimistic` work first tries each batch without a transaction, as one statement; when that
 * statement is refused by the database (an assumption was wrong) the batch runs in its transaction as
 * above. If the statement's fate is unknown (the connection broke), its jobs get the error and none runs
 * again.
 */
export class GroupCommit<Job, Result> {
  private queue: Array<Waiting<Job, Result>> = [];
  private scheduled = false;
  private running = false;
  private readonly flavor: Flavor;
  private readonly maxBatch: number;
  /** Batches committed (optimistic: of them without a transaction) and jobs in them since start (for the tests and the benches). */
  readonly stats = { batches: 0, optimistic: 0, jobs: 0, largest: 0 };

  constructor(
    private readonly db: DB,
    private readonly kind: GroupCommitKind<Job, Result>,
  ) {
    this.flavor = flavorOf(db);
    this.maxBatch = kind.maxBatch ?? DEFAULT_MAX_BATCH;
  }

  submit(job: Job): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (this.running || this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.drain();
      });
    });
  }

  /**
   * Batches run one after another, but a batch's successor starts as soon as its COMMIT went through, while
   * its log sync still runs (SQLite; dialects/sqlite.ts): the sync overlaps the next batch's work instead of
   * idling the writer. Each batch's callers are answered only after their own commit is durable.
   */
  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) {
        let committed!: () => void;
        const commitDone = new Promise<void>((resolve) => (committed = resolve));
        await Promise.race([commitDone, this.commit(this.queue.splice(0, this.maxBatch), committed)]);
        // One turn of the event loop first: requests that arrived during the commit are read and join the batch.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.running = false;
    }
  }

  private transaction(work: Work, committed?: () => void): Promise<void> {
    return this.kind.durability === 'relaxed' ? relaxedTransaction(this.db, this.flavor, work, committed) : transaction(this.db, work, { committed });
  }

  /** Runs one job of a batch: its result, or its refusal; any other error is the batch's. */
  private async outcomeOf(work: BatchWork<Job, Result>, job: Job): Promise<Outcome<Result>> {
    try {
      return { ok: await work.run(job) };
    } catch (error) {
      if (!this.kind.isRefusal?.(error)) throw error;
      return { refused: error };
    }
  }

  private settle(batch: Array<Waiting<Job, Result>>, outcomes: Array<Outcome<Result>>, optimistic: boolean): void {
    this.stats.batches += 1;
    if (optimistic) this.stats.optimistic += 1;
    this.stats.jobs += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    batch.forEach((waiting, i) => {
      const outcome = outcomes[i]!;
      if ('ok' in outcome) waiting.resolve(outcome.ok);
      else waiting.reject(outcome.refused);
    });
  }

  /** The batch without a transaction (GroupCommitKind.optimistic); false when it has to run in one. */
  private async optimistically(batch: Array<Waiting<Job, Result>>): Promise<boolean> {
    const work = this.kind.optimistic?.(this.db, this.flavor);
    if (!work) return false;
    const outcomes: Array<Outcome<Result>> = [];
    try {
      for (const { job } of batch) outcomes.push(await this.outcomeOf(work, job));
    } catch {
      return false; // nothing written yet
    }
    try {
      await work.flush();
    } catch (error) {
      if (error instanceof OptimisticMiss || reportedByDatabase(error)) return false; // the one statement failed as a whole
      // Say, the connection broke: whether the statement committed is unknown, so no job may run again.
      batch.forEach((waiting) => waiting.reject(error));
      return true;
    }
    work.committed?.();
    this.settle(batch, outcomes, true);
    return true;
  }

  private async commit(batch: Array<Waiting<Job, Result>>, committed?: () => void): Promise<void> {
    if (await this.optimistically(batch)) return;
    let outcomes: Array<Outcome<Result>> = [];
    let work: BatchWork<Job, Result> | undefined;
    let didCommit = false;
    try {
      await this.transaction(
        async (tx) => {
          outcomes = [];
          work = this.kind.begin(tx, this.flavor);
          await work.prepare?.(batch.map((waiting) => waiting.job));
          for (const { job } of batch) outcomes.push(await this.outcomeOf(work, job));
          await work.flush();
        },
        () => {
          didCommit = true;
          work?.committed?.();
          committed?.();
        },
      );
    } catch (error) {
      // Committed but not synced (or failing after the commit): running the jobs again would apply them twice.
      if (batch.length === 1 || didCommit || error instanceof DurabilityError) return batch.forEach((waiting) => waiting.reject(error));
      for (const waiting of batch) await this.commit([waiting]);
      return;
    }
    this.settle(batch, outcomes, false);
  }
}

/** An error the database server reported for a statement (PostgreSQL's ErrorResponse: a severity and a SQLSTATE), not one of the connection. */
function reportedByDatabase(error: unknown): boolean {
  const e = error as { severity?: unknown; code?: unknown } | null;
  return typeof e?.severity === 'string' && typeof e.code === 'string';
}

type Work = (tx: Transaction<Database>, hooks: TransactionHooks) => Promise<void>;

function relaxedTransaction(db: DB, flavor: Flavor, work: Work, committed?: () => void): Promise<void> {
  if (flavor === 'sqlite') {
    // The safety level cannot change inside a transaction: set and restored around it, on the same connection.
    return db.connection().execute(async (conn) => {
      const before = (await sql<{ synchronous: number }>`pragma synchronous`.execute(conn)).rows[0]?.synchronous ?? 2;
      await sql`pragma synchronous = normal`.execute(conn);
      try {
        await transaction(conn, work, { committed });
      } finally {
        await sql`pragma synchronous = ${sql.raw(String(Number(before)))}`.execute(conn);
      }
    });
  }
  if (flavor === 'postgres') {
    return transaction(db, async (tx, hooks) => {
      await sql`set local synchronous_commit = off`.execute(tx);
      await work(tx, hooks);
    }, { committed });
  }
  return transaction(db, work, { committed });
}

const writers = new WeakMap<DB, Map<string, GroupCommit<unknown, unknown>>>();

/** The group-commit writer of a database handle for one kind of job (made on first use). */
export function groupCommitOf<Job, Result>(db: DB, kind: GroupCommitKind<Job, Result>): GroupCommit<Job, Result> {
  let byKind = writers.get(db);
  if (!byKind) writers.set(db, (byKind = new Map()));
  let writer = byKind.get(kind.name) as GroupCommit<Job, Result> | undefined;
  if (!writer) byKind.set(kind.name, (writer = new GroupCommit(db, kind)) as GroupCommit<unknown, unknown>);
  return writer;
}
