import type { Settings } from '../config.js';
import type { Db } from '../db/connection.js';
import { InlineQueue } from './inline-driver.js';
import type { Queue, TaskDefinition } from './types.js';

export type { Queue, TaskDefinition } from './types.js';

/** Chooses the driver: redis when REDIS_URL is set, else the database queue (tests pass 'inline'). */
export async function createQueue(
  settings: Settings,
  db: Db,
  tasks: TaskDefinition<any>[],
  driver: 'db' | 'redis' | 'inline' = settings.redisUrl ? 'redis' : 'db',
): Promise<Queue> {
  void db;
  // TODO(queue): db and redis drivers land with the queue work; until then every driver runs inline.
  void driver;
  return new InlineQueue(tasks);
}

export interface WorkerOptions {
  concurrency?: number;
}

/** Runs the tasks of a queue until stopped. */
export async function startWorker(
  queue: Queue,
  tasks: TaskDefinition<any>[],
  schedules: import('./types.js').ScheduleDefinition[],
  options: WorkerOptions = {},
): Promise<import('./types.js').Worker> {
  // TODO(queue): replaced by the real worker loop with the db and redis drivers.
  void queue;
  void tasks;
  void schedules;
  void options;
  return { stop: async () => undefined };
}
