import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { describeWith, migratedDatabase, serviceUrl, testSettings } from '../../../test/support/harness.js';
import type { FreshDatabase } from '../../../test/support/harness.js';
import { bootstrap } from '../../nadooit/bootstrap.js';
import type { System } from '../../nadooit/bootstrap.js';
import { RedisQueue, jobIdFor, queueName, redisConnection } from './redis-driver.js';
import { queueContract } from './testing/contract.js';
import { uniqueName } from './testing/support.js';
import type { QueueTestEnv } from './testing/support.js';
import type { Queue } from './types.js';

const PREFIX = 'nadooit-test';

describe('queue: redis driver helpers', () => {
  it('reads host, port, database index and credentials from the URL', () => {
    assert.deepEqual(redisConnection('rediss://user:p%40ss@cache.example:6380/15'), {
      host: 'cache.example',
      port: 6380,
      db: 15,
      username: 'user',
      password: 'p@ss',
      tls: {},
    });
    assert.equal(redisConnection('redis://127.0.0.1').db, 0);
  });

  it('takes the queue name from ?queue= in the URL unless one is given', () => {
    assert.equal(queueName('redis://127.0.0.1:6379/0?queue=staging'), 'staging');
    assert.equal(queueName('redis://127.0.0.1:6379/0?queue=staging', 'explicit'), 'explicit');
    assert.equal(queueName('redis://127.0.0.1:6379/0'), undefined);
  });

  it('turns any unique key into a valid, distinct BullMQ job id', () => {
    assert.equal(jobIdFor('123'), 'u-123');
    assert.equal(jobIdFor('customer:1'), 'u-customer%3A1');
    assert.notEqual(jobIdFor('a:b'), jobIdFor('a%3Ab'));
  });
});

// Needs a Redis (TEST_REDIS_URL); without one the suite is reported as skipped (on CI: failed).
describeWith('redis', 'queue: redis driver [redis]', () => {
  const REDIS_URL = serviceUrl('redis')!;
  let system: System;
  let database: FreshDatabase;
  const opened: RedisQueue[] = [];
  let env: QueueTestEnv;

  before(async () => {
    const settings = testSettings();
    database = await migratedDatabase('sqlite', settings);
    system = await bootstrap(settings, { migrate: true, database: database.target, queueDriver: 'inline', logger: pino({ level: 'silent' }) });
    env = {
      driver: 'redis',
      db: system.context.db,
      target: database.target,
      redisUrl: REDIS_URL,
      baseOptions: { prefix: PREFIX },
      open(tasks, options) {
        const queue = new RedisQueue(REDIS_URL, tasks, options);
        opened.push(queue);
        return queue;
      },
      async pending(queue: Queue) {
        const counts = await (queue as RedisQueue).bull.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused');
        return Object.values(counts).reduce((sum, n) => sum + n, 0);
      },
      async cleanup() {
        for (const queue of opened.splice(0)) {
          await queue.bull.obliterate({ force: true });
          await queue.close();
        }
      },
    };
  });

  after(async () => {
    await system?.close();
    await database?.drop();
  });

  queueContract(() => env);

  it('ping() answers while Redis is reachable and fails fast when it is not', async () => {
    const queue = env.open([{ name: 't.noop', handler: async () => undefined }], { ...env.baseOptions, name: uniqueName() });
    await queue.ping();
    await env.cleanup();
    const unreachable = new RedisQueue('redis://127.0.0.1:1/0', [], { name: uniqueName() });
    unreachable.bull.on('error', () => undefined);
    try {
      await assert.rejects(unreachable.ping());
    } finally {
      await unreachable.close().catch(() => undefined);
    }
  });
});
