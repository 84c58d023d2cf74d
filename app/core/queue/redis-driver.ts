import { Queue as BullQueue, Worker as BullWorker, WaitingError } from 'bullmq';
import type { Job, JobsOptions, RedisOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { TransactionHooks, Tx } from '../db/transaction.js';
import { DEFAULT_MAX_ATTEMPTS, resolveQueueOptions, scheduleIds } from './options.js';
import type { QueueOptions, ResolvedQueueOptions } from './options.js';
import type { FailedJob, JobOptions, Queue, ScheduleDefinition, TaskDefinition, Worker } from './types.js';

const SCHEDULER_PREFIX = 'schedule-';
const PING_TIMEOUT_MS = 2_000;

/** ioredis options from a redis:// or rediss:// URL (database index from the path). */
export function redisConnection(url: string): RedisOptions {
  const u = new URL(url);
  const db = Number(u.pathname.replace(/^\//, '') || 0);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    db: Number.isInteger(db) ? db : 0,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

/** The BullMQ queue: the given name, else `?queue=<name>` from REDIS_URL (keeps deployments sharing one Redis apart). */
export function queueName(url: string, given?: string): string | undefined {
  return given ?? new URL(url).searchParams.get('queue') ?? undefined;
}

/** BullMQ job ids may not be integers nor contain ':', so unique keys are escaped and prefixed. */
export function jobIdFor(uniqueKey: string): string {
  return `u-${uniqueKey.replace(/%/g, '%25').replace(/:/g, '%3A')}`;
}

/**
 * The production queue (BullMQ 5). A uniqueKey becomes the BullMQ job id: while a job with that id
 * exists (waiting, delayed, active, or failed and kept) adding it again is a no-op. Completed jobs are
 * removed at once, failed ones kept for failedRetentionMs.
 */
export class RedisQueue implements Queue {
  readonly driver = 'redis' as const;
  readonly options: ResolvedQueueOptions;
  readonly bull: BullQueue;
  private readonly tasks = new Map<string, TaskDefinition<any>>();

  constructor(
    readonly url: string,
    tasks: TaskDefinition<any>[],
    options: QueueOptions = {},
  ) {
    for (const task of tasks) this.tasks.set(task.name, task);
    this.options = resolveQueueOptions({ ...options, name: queueName(url, options.name) });
    // A producer fails a command after a few reconnect attempts instead of hanging a web request forever.
    this.bull = new BullQueue(this.options.name, {
      connection: { ...redisConnection(url), maxRetriesPerRequest: 3 },
      prefix: this.options.prefix,
    });
    this.bull.on('error', (error) => this.options.log?.error({ err: error }, 'redis queue: connection error'));
  }

  private task(name: string): TaskDefinition<any> {
    const task = this.tasks.get(name);
    if (!task) throw new Error(`unknown task ${name}`);
    return task;
  }

  /** BullMQ options for one job of `task`; also the template of scheduled runs. */
  jobOptions(task: Pick<TaskDefinition<any>, 'maxAttempts'>, options: JobOptions = {}): JobsOptions {
    return {
      jobId: options.uniqueKey ? jobIdFor(options.uniqueKey) : undefined,
      delay: options.delayMs && options.delayMs > 0 ? options.delayMs : undefined,
      attempts: options.maxAttempts ?? task.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.options.backoffMs },
      removeOnComplete: true,
      removeOnFail: { age: Math.ceil(this.options.failedRetentionMs / 1000) },
    };
  }

  async enqueue(name: string, payload: unknown = {}, options: JobOptions = {}): Promise<void> {
    await this.bull.add(name, payload ?? {}, this.jobOptions(this.task(name), options));
  }

  async enqueueWithin(_tx: Tx, hooks: TransactionHooks, name: string, payload: unknown = {}, options: JobOptions = {}): Promise<void> {
    this.task(name);
    hooks.afterCommit(() => this.enqueue(name, payload, options));
  }

  async failed(limit = 50): Promise<FailedJob[]> {
    const jobs = await this.bull.getFailed(0, Math.max(0, limit - 1));
    return jobs.map((job) => ({ id: String(job.id), name: job.name, attempts: job.attemptsMade, lastError: job.failedReason ?? null }));
  }

  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.bull.client.then((client) => client.get(`${this.options.prefix}:ping`)),
        new Promise((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error('redis did not answer within 2 s')), PING_TIMEOUT_MS);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.bull.close();
  }
}

/**
 * A BullMQ worker for the tasks plus one job scheduler per schedule (upsertJobScheduler is idempotent, so
 * every worker may declare them). stop() finishes running jobs; after the grace period their signals
 * abort, and a job that then gives up goes back to waiting without using an attempt.
 */
export async function startRedisWorker(
  queue: RedisQueue,
  tasks: TaskDefinition<any>[],
  schedules: ScheduleDefinition[],
  options: { concurrency: number; log?: Logger },
): Promise<Worker> {
  const log = options.log ?? queue.options.log;
  const byName = new Map(tasks.map((task) => [task.name, task]));
  for (const schedule of schedules) {
    if (!byName.has(schedule.task)) throw new Error(`schedule for unknown task ${schedule.task}`);
  }
  let stopping = false;
  const processor = async (job: Job, token?: string, signal?: AbortSignal) => {
    const task = byName.get(job.name);
    if (!task) throw new Error(`unknown task ${job.name}`);
    const abort = signal ?? new AbortController().signal;
    try {
      await task.handler(job.data, { jobId: String(job.id), attempt: job.attemptsMade + 1, signal: abort });
    } catch (error) {
      if (stopping && abort.aborted) {
        await job.moveToWait(token);
        throw new WaitingError();
      }
      throw error;
    }
  };
  const worker = new BullWorker(queue.options.name, processor, {
    connection: redisConnection(queue.url),
    prefix: queue.options.prefix,
    concurrency: options.concurrency,
    lockDuration: queue.options.visibilityTimeoutMs,
    stalledInterval: queue.options.visibilityTimeoutMs,
    maxStalledCount: 1,
  });
  worker.on('error', (error) => log?.error({ err: error }, 'redis worker: error'));
  worker.on('failed', (job, error) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    const details = { err: error, jobId: job.id, task: job.name, attempt: job.attemptsMade };
    if (final) log?.error(details, 'redis worker: job failed for good');
    else log?.warn(details, 'redis worker: job attempt failed, will retry');
  });
  await syncSchedulers(queue, byName, schedules);
  let stopped: Promise<void> | null = null;
  return {
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        const timer = setTimeout(() => worker.cancelAllJobs('worker shutting down'), queue.options.shutdownGraceMs);
        try {
          await worker.close();
        } finally {
          clearTimeout(timer);
        }
      })()),
  };
}

/** Declares a scheduler per schedule and removes ours that are no longer declared. */
async function syncSchedulers(queue: RedisQueue, tasks: Map<string, TaskDefinition<any>>, schedules: ScheduleDefinition[]): Promise<void> {
  const wanted = new Set<string>();
  for (const schedule of scheduleIds(schedules)) {
    const id = `${SCHEDULER_PREFIX}${jobIdFor(schedule.id)}`;
    wanted.add(id);
    const { jobId: _id, delay: _delay, ...opts } = queue.jobOptions(tasks.get(schedule.task)!);
    await queue.bull.upsertJobScheduler(id, { every: schedule.everyMs }, { name: schedule.task, data: schedule.payload ?? {}, opts });
  }
  for (const existing of await queue.bull.getJobSchedulers()) {
    if (existing.key.startsWith(SCHEDULER_PREFIX) && !wanted.has(existing.key)) await queue.bull.removeJobScheduler(existing.key);
  }
}
