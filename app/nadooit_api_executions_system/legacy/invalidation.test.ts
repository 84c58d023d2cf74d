import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describeEachBackend, missingService, serviceUrl } from '../../../test/support/harness.js';
import { startAppServer } from '../../../bench/support/server-process.js';
import type { ServerProcess } from '../../../bench/support/server-process.js';
import { startInvalidation } from '../../core/db/invalidation.js';
import type { Invalidation } from '../../core/db/invalidation.js';
import { revokeApiKey } from '../../nadooit_api_key/services/index.js';
import { bookingWorld, legacyForm } from '../testing/fixtures.js';
import type { BookingWorld } from '../testing/fixtures.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// The servers keep cached answers for a minute here, so a refusal can only come from the Redis message.
const LONG_CACHE_MS = 60_000;

/** Books through `server` until the answer is no longer 200 (at most 5 s of tries); the last answer. */
async function untilRefused(server: ServerProcess, world: BookingWorld): Promise<{ status: number; body: unknown }> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${server.url}/api/executions`, { method: 'POST', headers: FORM, body: legacyForm(world) });
    const body = (await response.json()) as unknown;
    if (response.status !== 200 || attempt >= 100) return { status: response.status, body };
    await sleep(50);
  }
}

async function book(server: ServerProcess, world: BookingWorld): Promise<number> {
  const response = await fetch(`${server.url}/api/executions`, { method: 'POST', headers: FORM, body: legacyForm(world) });
  await response.arrayBuffer();
  return response.status;
}

describeEachBackend('with Redis, other server processes drop cached checks as soon as a key, contract or program changes', (h) => {
  if (missingService('redis')) {
    it('needs Redis', { skip: missingService('redis') }, () => {});
    return;
  }
  const db = () => h().system.context.db.kysely;
  // A channel (and queue) of this run's own, so parallel test runs on the same Redis do not mix.
  const redisUrl = `${serviceUrl('redis')!.split('?')[0]}?queue=invalidation-${randomBytes(4).toString('hex')}`;
  const servers: ServerProcess[] = [];
  let here: Invalidation;

  before(async () => {
    here = await startInvalidation(db(), redisUrl); // this test process is the one that changes things
    const { description } = h().system.context.db;
    const target = description.startsWith('sqlite:') ? description : description.slice(description.indexOf(':') + 1);
    for (let i = 0; i < 2; i++) {
      servers.push(
        await startAppServer({
          databaseUrl: target,
          dataDir: h().settings.dataDir,
          env: { REDIS_URL: redisUrl, NADOOIT_TEST_CACHE_TTL_MS: String(LONG_CACHE_MS) },
        }),
      );
    }
  });
  after(async () => {
    for (const server of servers) await server.stop();
    await here?.close();
  });

  /** A fresh bot whose key, contract and program both servers have cached (one booking each). */
  async function cachedWorld(): Promise<BookingWorld> {
    const world = await bookingWorld(db(), { balanceSeconds: 100_000 });
    for (const server of servers) assert.equal(await book(server, world), 200);
    return world;
  }

  it('a revoked API key', async () => {
    const world = await cachedWorld();
    await revokeApiKey(db(), { actorUserId: world.bot.userId, keyId: world.key.id });
    for (const server of servers) assert.deepEqual(await untilRefused(server, world), { status: 403, body: { error: 'Invalid API Key' } });
  });

  it('an ended employee contract', async () => {
    const world = await cachedWorld();
    await db().updateTable('hr_employee_contracts').set({ is_active: false }).where('employee_id', '=', world.bot.employeeId).where('customer_id', '=', world.customerId).execute();
    for (const server of servers) {
      assert.deepEqual(await untilRefused(server, world), { status: 400, body: { error: 'User is not an employee of the company' } });
    }
  });

  it('a deactivated program', async () => {
    const world = await cachedWorld();
    await db().updateTable('pos_customer_programs').set({ is_active: false }).where('id', '=', world.customerProgramId).execute();
    for (const server of servers) assert.equal((await untilRefused(server, world)).status, 400);
    const rows = await db().selectFrom('ex_executions').select('id').where('customer_program_id', '=', world.customerProgramId).execute();
    assert.equal(rows.length, 2, 'only the two bookings made before the change');
  });
});
