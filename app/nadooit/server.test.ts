import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { describeEachBackend } from '../../test/support/harness.js';
import type { Harness } from '../../test/support/harness.js';
import { RedisQueue } from '../core/queue/redis-driver.js';
import type { Queue } from '../core/queue/types.js';
import { buildApp } from './server.js';

/** The same system with another queue in its context. */
async function appWithQueue(h: () => Harness, queue: Queue, t: TestContext) {
  const system = h().system;
  const app = await buildApp({ ...system, context: { ...system.context, queue } });
  t.after(() => app.close());
  return app;
}

describeEachBackend(
  'server: /readyz',
  (h) => {
    it('reports the database and the queue as ready', async () => {
      const app = await h().app();
      assert.equal(h().system.context.queue.driver, 'db');
      const response = await app.inject({ url: '/readyz', headers: { host: 'localhost' } });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), { status: 'ok', checks: { database: 'ok', queue: 'ok' } });
    });

    it('answers 503 and names the queue when the queue cannot be reached', async (t) => {
      const unreachable = new RedisQueue('redis://127.0.0.1:1/0', [], { name: 'readyz-test' });
      unreachable.bull.on('error', () => undefined);
      t.after(() => unreachable.close());
      const app = await appWithQueue(h, unreachable, t);
      const response = await app.inject({ url: '/readyz', headers: { host: 'localhost' } });
      assert.equal(response.statusCode, 503);
      const body = response.json();
      assert.equal(body.status, 'unavailable');
      assert.equal(body.checks.database, 'ok');
      assert.match(body.checks.queue, /redis did not answer/);
    });
  },
  { queueDriver: 'db' },
);
