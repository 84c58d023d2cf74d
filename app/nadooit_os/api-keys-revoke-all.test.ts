import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { verifyApiKey } from '../nadooit_api_key/services/index.js';
import { apiKeyFor } from '../nadooit_api_executions_system/testing/fixtures.js';
import { paths } from './paths.js';
import { clientAs } from './testing/session.js';
import { dashboardWorld } from './testing/world.js';
import type { DashboardWorld } from './testing/world.js';

/** Issue 16 #11: "delete all keys" needs the customer's name typed (checked on the server) and is audited. */
describeEachBackend('NADOOIT OS: delete all API keys', (h) => {
  const db = () => h().system.context.db.kysely;
  let w: DashboardWorld;
  before(async () => {
    w = await dashboardWorld(db());
  });

  it('asks for the customer name, refuses a wrong one at the field, revokes and audits a right one', async () => {
    const c = await clientAs(await h().app(), db(), h().settings, w.boss.userId);
    const keys = [
      await apiKeyFor(db(), w.boss.userId, w.a.customerId),
      await apiKeyFor(db(), w.boss.userId, w.a.customerId),
    ];
    const page = await c.get(paths.revokeAllApiKeys);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Zur Bestätigung „Alpha Logistik GmbH“ eingeben/);
    assert.match(page.body, new RegExp(`name="customer" value="${w.a.customerId}"`));

    const wrong = await c.post(paths.revokeAllApiKeys, { customer: w.a.customerId, confirmation: 'Beta Bau AG' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /class="form-control is-invalid" name="confirmation" value="Beta Bau AG"/);
    assert.match(wrong.body, /class="invalid-feedback">Bitte geben Sie zur Bestätigung „Alpha Logistik GmbH“ ein\.</);
    for (const k of keys) assert.equal((await verifyApiKey(db(), k.secret)).ok, true, 'a wrong name revokes nothing');

    const right = await c.post(paths.revokeAllApiKeys, { customer: w.a.customerId, confirmation: 'alpha logistik gmbh' });
    assert.equal(right.statusCode, 303);
    for (const k of keys) assert.equal((await verifyApiKey(db(), k.secret)).ok, false);
    const audit = await db().selectFrom('auth_audit_log').select(['event', 'actor_id', 'detail']).where('user_id', '=', w.boss.userId).where('event', '=', 'api_keys_revoked_all').execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor_id, w.boss.userId);
    assert.deepEqual(JSON.parse(String(audit[0]!.detail)), { customer_id: w.a.customerId, count: 2 });
  });

  it('another customer\'s name or id does not reach anyone else\'s keys', async () => {
    const theirs = await apiKeyFor(db(), w.other.userId, w.b.customerId);
    const c = await clientAs(await h().app(), db(), h().settings, w.boss.userId);
    const response = await c.post(paths.revokeAllApiKeys, { customer: w.b.customerId, confirmation: 'Beta Bau AG' });
    assert.equal(response.statusCode, 303, 'revokes the (zero) own keys for that customer only');
    assert.equal((await verifyApiKey(db(), theirs.secret)).ok, true);
    assert.equal((await c.post(paths.revokeAllApiKeys, { customer: crypto.randomUUID(), confirmation: 'x' })).statusCode, 400);
  });
});
