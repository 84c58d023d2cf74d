import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Selectable, UpdateQueryBuilder, UpdateResult } from 'kysely';
import type { Db } from '../db/connection.js';
import type { CoreJobsTable, Database } from '../db/schema.js';
import { transaction } from '../db/transaction.js';
import type { TransactionHooks, Tx } from '../db/transaction.js';
import { DEFAULT_MAX_ATTEMPTS, SCHEDULE_KEY_PREFIX, backoffDelay, errorText, resolveQueueOptions } from './options.js';
import type { QueueOptions, ResolvedQueueOptions } from './options.js';
import type { FailedJob, JobOptions, Queue, TaskDefinition } from './types.js';

export type JobRow = Selectable<CoreJobsTable>;
type JobUpdate = UpdateQueryBuilder<Database, 'core_jobs', 'core_jobs', UpdateResult>;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The zero-config queue: jobs are rows in core_jobs. Workers claim a due row atomically (FOR UPDATE SKIP
 * LOCKED on PostgreSQL/CockroachDB, BEGIN IMMEDIATE on SQLite) and hold it for a visibility timeout that
 * they keep extending while the job runs; a row whose lease ran out is claimable again, so the job of a
 * killed worker runs again. Every state change is guarded by the claim token (`locked_by`), so a worker
 * that lost its lease can no longer complete or fail the job.
 */
export class DbQueue implements Queue {
  readonly driver = 'db' as const;
  readonly options: ResolvedQueueOptions;
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly tasks = new Map<string, TaskDefinition<any>>();
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly db: Db,
    tasks: TaskDefinition<any>[],
    options: QueueOptions = {},
  ) {
    for (const task of tasks) this.tasks.set(task.name, task);
    this.options = resolveQueueOptions(options);
  }

  async enqueue(name: string, payload: unknown = {}, options: JobOptions = {}): Promise<void> {
    await this.insert(this.db.kysely, name, payload, options);
    this.notify();
  }

  async enqueueWithin(tx: Tx, hooks: TransactionHooks, name: string, payload: unknown = {}, options: JobOptions = {}): Promise<void> {
    await this.insert(tx, name, payload, options);
    hooks.afterCommit(() => this.notify());
  }

  /** Called (in this process) when a job was enqueued, so an idle worker need not wait for its next poll. */
  onEnqueued(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private async insert(handle: Tx, name: string, payload: unknown, options: JobOptions): Promise<void> {
    const task = this.tasks.get(name);
    if (!task) throw new Error(`unknown task ${name}`);
    const now = Date.now();
    await handle
      .insertInto('core_jobs')
      .values({
        id: randomUUID(),
        queue: this.options.name,
        name,
        payload: JSON.stringify(payload ?? {}),
        unique_key: options.uniqueKey ?? null,
        status: 'waiting',
        attempts: 0,
        max_attempts: options.maxAttempts ?? task.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        run_at: iso(now + Math.max(0, options.delayMs ?? 0)),
        locked_until: null,
        locked_by: null,
        last_error: null,
        created_at: iso(now),
        finished_at: null,
      })
      .onConflict((conflict) => conflict.column('unique_key').doNothing())
      .execute();
  }

  /** Ids of jobs that are due now, or whose lease ran out, oldest first. */
  private due(handle: Tx, nowIso: string) {
    return handle
      .selectFrom('core_jobs')
      .select('id')
      .where('queue', '=', this.options.name)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'waiting'), eb('run_at', '<=', nowIso)]),
          eb.and([eb('status', '=', 'active'), eb('locked_until', '<', nowIso)]),
        ]),
      )
      .orderBy('run_at')
      .limit(1);
  }

  /** Takes the next due job (or one whose lease expired) for this worker; null when none is due. */
  async claim(): Promise<JobRow | null> {
    // An idle poll is one plain read; the write transaction below only runs when there is work.
    if (!(await this.due(this.db.kysely, iso(Date.now())).executeTakeFirst())) return null;
    const token = `${this.workerId}:${randomUUID().slice(0, 8)}`;
    return transaction(this.db.kysely, async (tx) => {
      const now = Date.now();
      let next = this.due(tx, iso(now));
      if (this.db.flavor !== 'sqlite') next = next.forUpdate().skipLocked();
      const row = await tx
        .updateTable('core_jobs')
        .set((eb) => ({
          status: 'active',
          attempts: eb('attempts', '+', 1),
          locked_by: token,
          locked_until: iso(now + this.options.visibilityTimeoutMs),
        }))
        .where('id', '=', next)
        .returningAll()
        .executeTakeFirst();
      return row ?? null;
    });
  }

  /** Extends the lease; false when the job is no longer ours (another worker took it over). */
  async heartbeat(job: JobRow): Promise<boolean> {
    const result = await this.owned(
      this.db.kysely.updateTable('core_jobs').set({ locked_until: iso(Date.now() + this.options.visibilityTimeoutMs) }),
      job,
    ).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async complete(job: JobRow): Promise<boolean> {
    // A scheduled slot keeps its key until cleanup, so a worker that polls late does not run the slot again.
    const keepKey = job.unique_key?.startsWith(SCHEDULE_KEY_PREFIX) ? job.unique_key : null;
    const result = await this.owned(
      this.db.kysely.updateTable('core_jobs').set({
        status: 'completed',
        finished_at: iso(Date.now()),
        locked_until: null,
        locked_by: null,
        unique_key: keepKey,
      }),
      job,
    ).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Records a failed attempt: back to waiting with exponential backoff, or failed when attempts are used up. */
  async fail(job: JobRow, error: unknown): Promise<'retry' | 'failed' | 'lost'> {
    const now = Date.now();
    const final = job.attempts >= job.max_attempts;
    const update = final
      ? { status: 'failed' as const, attempts: Math.min(job.attempts, job.max_attempts), finished_at: iso(now) }
      : {
          status: 'waiting' as const,
          run_at: iso(now + backoffDelay(job.attempts, this.options.backoffMs, this.options.backoffMaxMs)),
        };
    const result = await this.owned(
      this.db.kysely.updateTable('core_jobs').set({ ...update, last_error: errorText(error), locked_until: null, locked_by: null }),
      job,
    ).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return 'lost';
    return final ? 'failed' : 'retry';
  }

  /** Gives a job back without using up an attempt (worker shutting down). */
  async release(job: JobRow): Promise<void> {
    await this.owned(
      this.db.kysely.updateTable('core_jobs').set({
        status: 'waiting',
        attempts: Math.max(0, job.attempts - 1),
        run_at: iso(Date.now()),
        locked_until: null,
        locked_by: null,
      }),
      job,
    ).execute();
  }

  private owned(query: JobUpdate, job: JobRow): JobUpdate {
    return query.where('id', '=', job.id).where('locked_by', '=', job.locked_by).where('status', '=', 'active');
  }

  /** Deletes completed and failed jobs past their retention; returns how many went. */
  async cleanup(completedRetentionMs = this.options.completedRetentionMs): Promise<number> {
    const now = Date.now();
    return transaction(this.db.kysely, async (tx) => {
      let removed = 0;
      for (const [status, retention] of [
        ['completed', completedRetentionMs],
        ['failed', this.options.failedRetentionMs],
      ] as const) {
        const result = await tx
          .deleteFrom('core_jobs')
          .where('queue', '=', this.options.name)
          .where('status', '=', status)
          .where('finished_at', '<', iso(now - retention))
          .executeTakeFirst();
        removed += Number(result.numDeletedRows);
      }
      return removed;
    });
  }

  async failed(limit = 50): Promise<FailedJob[]> {
    const rows = await this.db.kysely
      .selectFrom('core_jobs')
      .select(['id', 'name', 'attempts', 'last_error'])
      .where('queue', '=', this.options.name)
      .where('status', '=', 'failed')
      .orderBy('finished_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ id: row.id, name: row.name, attempts: row.attempts, lastError: row.last_error }));
  }

  /** The jobs table answers (so the database is up and migrated). */
  async ping(): Promise<void> {
    try {
      await this.db.kysely.selectFrom('core_jobs').select('id').limit(1).execute();
    } catch (error) {
      if (/core_jobs/.test((error as Error).message)) throw new Error('the jobs table core_jobs is missing (run the migrations)');
      throw error;
    }
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
