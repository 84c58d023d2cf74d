import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { apiKeyFor, bookingWorld, legacyForm } from '../testing/fixtures.js';

describeEachBackend('bot API rate limit', (h) => {
  it('counts per API key once it verified: its 4th request in a minute gets 429, another key is not affected', async () => {
    const db = h().system.context.db.kysely;
    const world = await bookingWorld(db, { balanceSeconds: 10_000 });
    const app = await h().app();
    const post = (payload: string) =>
      app.inject({ method: 'POST', url: '/api/executions', payload, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const answers = [];
    // The key's first request counts against the address (the key is not known yet), the next three against the key.
    for (let i = 0; i < 5; i++) answers.push(await post(legacyForm(world)));
    assert.deepEqual(answers.map((a) => a.statusCode), [200, 200, 200, 200, 429]);
    assert.match(answers[4]!.json().error, /Zu viele Anfragen/);
    const other = await apiKeyFor(db, world.bot.userId);
    assert.equal((await post(legacyForm(world, { NADOOIT__API_KEY: other.secret }))).statusCode, 200);
    const rows = await db.selectFrom('ex_executions').select('id').where('customer_program_id', '=', world.customerProgramId).execute();
    assert.equal(rows.length, 5);
  });

  it('the REST API counts per caller too', async () => {
    const db = h().system.context.db.kysely;
    const world = await bookingWorld(db);
    const app = await h().app();
    const codes = [];
    for (let i = 0; i < 5; i++) {
      codes.push((await app.inject({ method: 'GET', url: '/api/v1/customers', headers: { authorization: `Bearer ${world.key.secret}` } })).statusCode);
    }
    // As on the bot API: the first request of a key not verified yet counts against the address.
    assert.deepEqual(codes, [200, 200, 200, 200, 429]);
  });
}, { settings: { NADOOIT_API_RATE_LIMIT_PER_MINUTE: '3' } });
