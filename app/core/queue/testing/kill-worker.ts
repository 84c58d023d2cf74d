/**
 * A worker process for the SIGKILL test: its task performs the job's effect, reports STARTED on stdout
 * and then hangs, so the test can kill it mid-job. Config comes as JSON in QUEUE_TEST_CONFIG.
 */
import { openDatabase } from '../../db/connection.js';
import { DbQueue } from '../db-driver.js';
import { startWorker } from '../index.js';
import { RedisQueue } from '../redis-driver.js';
import type { Queue, TaskDefinition } from '../types.js';
import { KILL_TASK, recordEffect } from './support.js';
import type { KillWorkerConfig } from './support.js';

const config = JSON.parse(process.env.QUEUE_TEST_CONFIG ?? '{}') as KillWorkerConfig;
const db = await openDatabase(config.target);
const task: TaskDefinition<{ key: string }> = {
  name: KILL_TASK,
  async handler(payload, context) {
    await recordEffect(db, payload.key, 'child');
    process.stdout.write(`STARTED ${context.jobId} ${context.attempt}\n`);
    await new Promise(() => undefined);
  },
};
const queue: Queue =
  config.driver === 'db' ? new DbQueue(db, [task], config.options) : new RedisQueue(config.redisUrl!, [task], config.options);
await startWorker(queue, [task], [], { concurrency: 1 });
process.stdout.write('READY\n');
