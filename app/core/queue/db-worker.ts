import type { Logger } from 'pino';
import type { DbQueue, JobRow } from './db-driver.js';
import { scheduleIds, scheduleKey, scheduleSlot } from './options.js';
import type { ScheduleDefinition, TaskDefinition, Worker } from './types.js';

const CLEANUP_EVERY_MS = 3_600_000;

interface RunningJob {
  done: Promise<void>;
  controller: AbortController;
}

/**
 * The db driver's worker loop: enqueues due schedule slots, claims up to `concurrency` jobs, keeps their
 * leases alive while they run, and on stop() claims nothing more and lets running jobs finish.
 */
class DbWorker implements Worker {
  private readonly tasks: Map<string, TaskDefinition<any>>;
  private readonly schedules: Array<ScheduleDefinition & { id: string }>;
  private readonly running = new Map<string, RunningJob>();
  private readonly lastSlot = new Map<string, number>();
  private stopping = false;
  private wakeRequested = false;
  private wakeUp: (() => void) | null = null;
  private nextCleanupAt = 0;
  private loopDone: Promise<void> = Promise.resolve();
  private unsubscribe: () => void = () => undefined;
  private stopped: Promise<void> | null = null;

  constructor(
    private readonly queue: DbQueue,
    tasks: TaskDefinition<any>[],
    schedules: ScheduleDefinition[],
    private readonly concurrency: number,
    private readonly log: Logger | undefined,
  ) {
    this.tasks = new Map(tasks.map((task) => [task.name, task]));
    this.schedules = scheduleIds(schedules);
    for (const schedule of schedules) {
      if (!this.tasks.has(schedule.task)) throw new Error(`schedule for unknown task ${schedule.task}`);
    }
  }

  start(): void {
    this.unsubscribe = this.queue.onEnqueued(() => this.wake());
    this.loopDone = this.loop();
  }

  private wake(): void {
    this.wakeRequested = true;
    this.wakeUp?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      this.wakeRequested = false;
      try {
        await this.enqueueDueSchedules();
        await this.cleanupWhenDue();
        while (!this.stopping && this.running.size < this.concurrency) {
          const job = await this.queue.claim();
          if (!job) break;
          this.launch(job);
        }
      } catch (error) {
        this.log?.error({ err: error }, 'queue worker: polling failed');
      }
      await this.idle();
    }
  }

  /** Sleeps until the next poll, the next schedule slot, an enqueue in this process, a free slot or stop(). */
  private idle(): Promise<void> {
    if (this.stopping || this.wakeRequested) return Promise.resolve();
    const now = Date.now();
    let delay = this.queue.options.pollIntervalMs;
    for (const schedule of this.schedules) {
      delay = Math.min(delay, (scheduleSlot(now, schedule.everyMs) + 1) * schedule.everyMs - now);
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, delay));
      this.wakeUp = done;
    });
  }

  private async enqueueDueSchedules(): Promise<void> {
    const now = Date.now();
    for (const schedule of this.schedules) {
      const slot = scheduleSlot(now, schedule.everyMs);
      if (this.lastSlot.get(schedule.id) === slot) continue;
      await this.queue.enqueue(schedule.task, schedule.payload ?? {}, { uniqueKey: scheduleKey(schedule.id, slot) });
      this.lastSlot.set(schedule.id, slot);
    }
  }

  private async cleanupWhenDue(): Promise<void> {
    if (Date.now() < this.nextCleanupAt) return;
    this.nextCleanupAt = Date.now() + CLEANUP_EVERY_MS;
    // Slot keys must outlive their slot, or a worker starting late in a long slot would run it again.
    const longestSchedule = Math.max(0, ...this.schedules.map((s) => s.everyMs));
    const removed = await this.queue.cleanup(Math.max(this.queue.options.completedRetentionMs, 2 * longestSchedule));
    if (removed) this.log?.info({ removed }, 'queue worker: old jobs removed');
  }

  private launch(job: JobRow): void {
    const controller = new AbortController();
    const done = this.run(job, controller)
      .catch((error) => this.log?.error({ err: error, jobId: job.id, task: job.name }, 'queue worker: could not record job result'))
      .finally(() => {
        this.running.delete(job.id);
        this.wake();
      });
    this.running.set(job.id, { done, controller });
  }

  private async run(job: JobRow, controller: AbortController): Promise<void> {
    const task = this.tasks.get(job.name);
    if (job.attempts > job.max_attempts) {
      await this.queue.fail(job, new Error(`attempt ${job.max_attempts} never finished: its worker stopped responding`));
      return;
    }
    if (!task) {
      await this.recordFailure(job, new Error(`unknown task ${job.name}`));
      return;
    }
    let lost = false;
    const heartbeat = setInterval(() => {
      this.queue.heartbeat(job).then(
        (ours) => {
          if (ours || lost) return;
          lost = true;
          controller.abort(new Error('job lease lost to another worker'));
        },
        (error) => this.log?.warn({ err: error, jobId: job.id }, 'queue worker: heartbeat failed'),
      );
    }, Math.max(50, Math.floor(this.queue.options.visibilityTimeoutMs / 3)));
    try {
      await task.handler(JSON.parse(job.payload), { jobId: job.id, attempt: job.attempts, signal: controller.signal });
    } catch (error) {
      if (lost) return;
      if (controller.signal.aborted && this.stopping) {
        await this.queue.release(job);
        this.log?.info({ jobId: job.id, task: job.name }, 'queue worker: job interrupted by shutdown, released');
        return;
      }
      await this.recordFailure(job, error);
      return;
    } finally {
      clearInterval(heartbeat);
    }
    if (!(await this.queue.complete(job))) {
      this.log?.warn({ jobId: job.id, task: job.name }, 'queue worker: job finished after its lease was taken over');
    }
  }

  private async recordFailure(job: JobRow, error: unknown): Promise<void> {
    const outcome = await this.queue.fail(job, error);
    const details = { err: error, jobId: job.id, task: job.name, attempt: job.attempts, maxAttempts: job.max_attempts };
    if (outcome === 'failed') this.log?.error(details, 'queue worker: job failed for good');
    else if (outcome === 'retry') this.log?.warn(details, 'queue worker: job attempt failed, will retry');
  }

  stop(): Promise<void> {
    return (this.stopped ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    this.unsubscribe();
    this.wake();
    await this.loopDone;
    const allDone = () => Promise.all([...this.running.values()].map((job) => job.done));
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      allDone().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.queue.options.shutdownGraceMs))),
    ]);
    clearTimeout(timer);
    if (!finished) {
      for (const job of this.running.values()) job.controller.abort(new Error('worker shutting down'));
      await allDone();
    }
  }
}

export function startDbWorker(
  queue: DbQueue,
  tasks: TaskDefinition<any>[],
  schedules: ScheduleDefinition[],
  options: { concurrency: number; log?: Logger },
): Worker {
  const worker = new DbWorker(queue, tasks, schedules, options.concurrency, options.log ?? queue.options.log);
  worker.start();
  return worker;
}
