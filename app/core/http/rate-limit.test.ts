import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend, describeWith, serviceUrl } from '../../../test/support/harness.js';
import type { Harness } from '../../../test/support/harness.js';
import { buildApp } from '../../nadooit/server.js';
import { rateLimit } from './rate-limit.js';

const limitedRoutes = (app: FastifyInstance) => {
  const byClient = (request: { headers: Record<string, unknown> }) => String(request.headers['x-client'] ?? 'anonymous');
  app.get('/__rl/page', { config: rateLimit({ max: 2, timeWindow: 60_000, keyGenerator: byClient }) }, async () => ({ ok: true }));
  app.get('/api/__rl/thing', { config: rateLimit({ max: 1, timeWindow: '1 minute', keyGenerator: byClient }) }, async () => ({ ok: true }));
  app.get('/__rl/free', async () => ({ ok: true }));
};

const get = (app: FastifyInstance, url: string, client: string, accept = 'application/json') =>
  app.inject({ url, headers: { host: 'localhost', 'x-client': client, accept } });

/** Requests on two app instances (as two servers behind the proxy have) for the same client. */
async function twoInstances(h: () => Harness, t: TestContext): Promise<[FastifyInstance, FastifyInstance]> {
  const first = await h().app();
  const second = await buildApp(h().system, limitedRoutes);
  t.after(() => second.close());
  return [first, second];
}

function rateLimitTests(h: () => Harness, store: 'memory' | 'redis'): void {
  const client = () => `c-${randomBytes(6).toString('hex')}`;

  it('answers 429 with a Retry-After header once a client used its budget', async () => {
    const app = await h().app();
    const me = client();
    assert.equal((await get(app, '/__rl/page', me)).statusCode, 200);
    assert.equal((await get(app, '/__rl/page', me)).statusCode, 200);
    const limited = await get(app, '/__rl/page', me);
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal(limited.json().error.code, 'rate_limited');
    const page = await get(app, '/__rl/page', me, 'text/html');
    assert.equal(page.statusCode, 429);
    assert.match(page.body, /Fehler 429/);
  });

  it('keeps one budget per key and leaves routes without a limit alone', async () => {
    const app = await h().app();
    const [a, b] = [client(), client()];
    assert.equal((await get(app, '/api/__rl/thing', a)).statusCode, 200);
    assert.equal((await get(app, '/api/__rl/thing', a)).statusCode, 429);
    assert.equal((await get(app, '/api/__rl/thing', b)).statusCode, 200);
    for (let i = 0; i < 5; i++) assert.equal((await get(app, '/__rl/free', a)).statusCode, 200);
  });

  if (store === 'memory') {
    it('counts per instance in memory (no REDIS_URL)', async (t) => {
      const [first, second] = await twoInstances(h, t);
      const me = client();
      assert.equal((await get(first, '/api/__rl/thing', me)).statusCode, 200);
      assert.equal((await get(second, '/api/__rl/thing', me)).statusCode, 200);
    });
  } else {
    it('shares one budget across instances through Redis', async (t) => {
      const [first, second] = await twoInstances(h, t);
      const me = client();
      assert.equal((await get(first, '/api/__rl/thing', me)).statusCode, 200);
      const elsewhere = await get(second, '/api/__rl/thing', me);
      assert.equal(elsewhere.statusCode, 429);
      assert.equal(elsewhere.json().error.code, 'rate_limited');
    });
  }
}

describe('http: rateLimit() helper', () => {
  it('refuses a limit that is not a positive whole number', () => {
    assert.throws(() => rateLimit({ max: 0, timeWindow: 1000 }), /positive whole number/);
    assert.deepEqual(rateLimit({ max: 3, timeWindow: '1 minute' }), { rateLimit: { max: 3, timeWindow: '1 minute', hook: 'onRequest' } });
  });
});

describeEachBackend('http: rate limits in memory', (h) => rateLimitTests(h, 'memory'), { routes: limitedRoutes });

describeWith('redis', 'http: rate limits [redis]', () => {
  describeEachBackend('shared store', (h) => rateLimitTests(h, 'redis'), {
    routes: limitedRoutes,
    settings: { REDIS_URL: serviceUrl('redis')! },
  });
});
