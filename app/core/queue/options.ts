import type { Logger } from 'pino';

/** Tuning shared by the db and redis drivers; the defaults suit production. */
export interface QueueOptions {
  /** Logical queue (db: the `queue` column; redis: the BullMQ queue name). */
  name?: string;
  /** A claimed job whose worker stops heart-beating for this long is handed to another worker. */
  visibilityTimeoutMs?: number;
  /** How often an idle db worker looks for due jobs (enqueues in the same process wake it at once). */
  pollIntervalMs?: number;
  /** First retry delay; attempt n waits backoffMs × 2^(n−1), at most backoffMaxMs. */
  backoffMs?: number;
  backoffMaxMs?: number;
  /** Completed jobs are deleted after this long (db driver; BullMQ removes them at once). */
  completedRetentionMs?: number;
  /** Failed jobs are kept this long for inspection, then deleted. */
  failedRetentionMs?: number;
  /** On stop(), running jobs get this long to finish before their abort signal fires. */
  shutdownGraceMs?: number;
  /** BullMQ key prefix (redis driver). */
  prefix?: string;
  log?: Logger;
}

export type ResolvedQueueOptions = Required<Omit<QueueOptions, 'log'>> & { log: Logger | undefined };

export const DEFAULT_MAX_ATTEMPTS = 5;

export function resolveQueueOptions(options: QueueOptions = {}): ResolvedQueueOptions {
  return {
    name: options.name ?? 'default',
    visibilityTimeoutMs: options.visibilityTimeoutMs ?? 60_000,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    backoffMs: options.backoffMs ?? 1_000,
    backoffMaxMs: options.backoffMaxMs ?? 3_600_000,
    completedRetentionMs: options.completedRetentionMs ?? 86_400_000,
    failedRetentionMs: options.failedRetentionMs ?? 30 * 86_400_000,
    shutdownGraceMs: options.shutdownGraceMs ?? 8_000,
    prefix: options.prefix ?? 'nadooit',
    log: options.log,
  };
}

/** Delay before attempt `failedAttempt + 1` (same formula as BullMQ's exponential backoff). */
export function backoffDelay(failedAttempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failedAttempt - 1));
}

/** Scheduled runs are ordinary jobs keyed by task and time slot, so several workers enqueue each slot once. */
export const SCHEDULE_KEY_PREFIX = 'schedule:';

export function scheduleSlot(nowMs: number, everyMs: number): number {
  return Math.floor(nowMs / everyMs);
}

export function scheduleKey(task: string, slot: number): string {
  return `${SCHEDULE_KEY_PREFIX}${task}:${slot}`;
}

export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return text.slice(0, 4000);
}

/** A stable id per schedule: the task name, numbered when one task has several schedules. */
export function scheduleIds<S extends { task: string }>(schedules: S[]): Array<S & { id: string }> {
  const seen = new Map<string, number>();
  return schedules.map((schedule) => {
    const n = seen.get(schedule.task) ?? 0;
    seen.set(schedule.task, n + 1);
    return { ...schedule, id: n === 0 ? schedule.task : `${schedule.task}#${n + 1}` };
  });
}
