import pino from 'pino';
import type { Settings } from '../config.js';
import type { Db } from '../db/connection.js';
import { DbQueue } from './db-driver.js';
import { startDbWorker } from './db-worker.js';
import { InlineQueue } from './inline-driver.js';
import { startInlineWorker } from './inline-worker.js';
import type { QueueOptions } from './options.js';
import { RedisQueue, startRedisWorker } from './redis-driver.js';
import type { Queue, ScheduleDefinition, TaskDefinition, Worker } from './types.js';

export type { FailedJob, JobOptions, Queue, ScheduleDefinition, TaskContext, TaskDefinition, Worker } from './types.js';
export type { QueueOptions } from './options.js';
export { DbQueue, InlineQueue, RedisQueue };

export type QueueDriver = 'db' | 'redis' | 'inline';

/** Chooses the driver: redis when REDIS_URL is set, else the database queue (tests pass 'inline'). */
export async function createQueue(
  settings: Settings,
  db: Db,
  tasks: TaskDefinition<any>[],
  driver: QueueDriver = settings.redisUrl ? 'redis' : 'db',
  options: QueueOptions = {},
): Promise<Queue> {
  const log = options.log ?? pino({ level: settings.logLevel }).child({ component: 'queue' });
  switch (driver) {
    case 'inline':
      return new InlineQueue(tasks);
    case 'db':
      return new DbQueue(db, tasks, { ...options, log });
    case 'redis':
      if (!settings.redisUrl) throw new Error('the redis queue driver needs REDIS_URL');
      return new RedisQueue(settings.redisUrl, tasks, { ...options, log });
  }
}

export interface WorkerOptions {
  /** Jobs run at the same time in this process (default 4). */
  concurrency?: number;
  log?: import('pino').Logger;
}

/**
 * Runs the tasks of a queue until stopped: claims jobs, runs the schedules, and on stop() claims nothing
 * more and waits for running jobs (their abort signal fires after the queue's shutdown grace period).
 */
export async function startWorker(
  queue: Queue,
  tasks: TaskDefinition<any>[],
  schedules: ScheduleDefinition[],
  options: WorkerOptions = {},
): Promise<Worker> {
  const settings = { concurrency: options.concurrency ?? 4, log: options.log };
  if (queue instanceof DbQueue) return startDbWorker(queue, tasks, schedules, settings);
  if (queue instanceof RedisQueue) return startRedisWorker(queue, tasks, schedules, settings);
  if (queue instanceof InlineQueue) return startInlineWorker(queue, schedules);
  throw new Error(`no worker for queue driver ${queue.driver}`);
}
