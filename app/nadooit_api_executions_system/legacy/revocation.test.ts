import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { startAppServer } from '../../../bench/support/server-process.js';
import type { ServerProcess } from '../../../bench/support/server-process.js';
import { revokeApiKey } from '../../nadooit_api_key/services/index.js';
import { KEY_CACHE_TTL_MS, KeyCache, setKeyCacheClock } from '../../nadooit_api_key/services/key-cache.js';
import { bookingWorld, legacyForm } from '../testing/fixtures.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('the key cache forgets an entry once it is KEY_CACHE_TTL_MS old', () => {
  let now = 0;
  setKeyCacheClock(() => now);
  try {
    const cache = new KeyCache<string>();
    cache.set('h', 'row');
    now = KEY_CACHE_TTL_MS - 1;
    assert.equal(cache.get('h'), 'row');
    now = KEY_CACHE_TTL_MS;
    assert.equal(cache.get('h'), undefined);
  } finally {
    setKeyCacheClock(null);
  }
});

describeEachBackend('a revoked API key is refused at once here and in every other process', (h) => {
  const db = () => h().system.context.db.kysely;
  let other: ServerProcess | null = null;
  after(async () => {
    await other?.stop();
  });

  it('in the process that revoked it: the next booking after the revocation is refused', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 10_000 });
    const app = await h().app();
    const book = () => app.inject({ method: 'POST', url: '/api/executions', payload: legacyForm(world), headers: FORM });
    assert.equal((await book()).statusCode, 200); // the key is now cached
    await revokeApiKey(db(), { actorUserId: world.bot.userId, keyId: world.key.id });
    const refused = await book();
    assert.deepEqual([refused.statusCode, refused.json()], [403, { error: 'Invalid API Key' }]);
  });

  it('in another server process on the same database: refused once its cache entry ran out (at most a second)', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 10_000 });
    const { settings } = h();
    // The harness's database as a DATABASE_URL: `sqlite:<file>`, or `postgres:<url>` (the test server has no password to mask).
    const { description } = h().system.context.db;
    const target = description.startsWith('sqlite:') ? description : description.slice(description.indexOf(':') + 1);
    other = await startAppServer({ databaseUrl: target, dataDir: settings.dataDir });
    const book = () => fetch(`${other!.url}/api/executions`, { method: 'POST', headers: FORM, body: legacyForm(world) });
    assert.equal((await book()).status, 200); // cached over there
    await revokeApiKey(db(), { actorUserId: world.bot.userId, keyId: world.key.id });
    // Waits out the other process's cache (plus a margin for a loaded machine), then every booking is refused.
    await sleep(KEY_CACHE_TTL_MS + 250);
    for (let i = 0; i < 3; i++) {
      const refused = await book();
      assert.deepEqual([refused.status, await refused.json()], [403, { error: 'Invalid API Key' }]);
    }
    const rows = await db().selectFrom('ex_executions').select('id').where('customer_program_id', '=', world.customerProgramId).execute();
    assert.equal(rows.length, 1);
  });
});
