import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { createUser } from '../../nadooit_auth/services/users.js';
import { revokeApiKey } from '../../nadooit_api_key/services/index.js';
import { bookingWorld, person } from '../testing/fixtures.js';

describeEachBackend('POST /api/users/check (legacy-core §5.2, scoped to shared customers)', (h) => {
  const db = () => h().system.context.db.kysely;
  async function check(fields: Record<string, string>) {
    const app = await h().app();
    const res = await app.inject({
      method: 'POST',
      url: '/api/users/check',
      payload: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    return { status: res.statusCode, body: res.json() };
  }

  it('§8 test_check_user: a caller checks their own 7-character code → 200 active', async () => {
    const world = await bookingWorld(db());
    await db().updateTable('users').set({ user_code: 'nadoo01' }).where('id', '=', world.bot.userId).execute();
    const res = await check({ NADOOIT__API_KEY: world.key.secret, NADOOIT__USER_CODE: 'nadoo01', NADOOIT__USER_CODE_TO_CHECK: 'nadoo01' });
    assert.deepEqual(res, { status: 200, body: { success: 'User to check is active' } });
  });

  it('caller errors: missing or unknown key 400, revoked key 403, wrong caller code 403', async () => {
    const world = await bookingWorld(db());
    const base = { NADOOIT__USER_CODE: world.bot.userCode, NADOOIT__USER_CODE_TO_CHECK: world.bot.userCode };
    assert.deepEqual(await check(base), { status: 400, body: { error: 'Invalid request' } });
    assert.deepEqual(await check({ ...base, NADOOIT__API_KEY: 'unknown' }), { status: 400, body: { error: 'Invalid request' } });
    assert.deepEqual(await check({ ...base, NADOOIT__API_KEY: world.key.secret, NADOOIT__USER_CODE: 'other' }), {
      status: 403,
      body: { error: 'Your User code is not valid' },
    });
    await revokeApiKey(db(), { actorUserId: world.bot.userId, keyId: world.key.id });
    assert.deepEqual(await check({ ...base, NADOOIT__API_KEY: world.key.secret }), { status: 403, body: { error: 'Your API Key is not valid' } });
  });

  it('colleague of the same customer: active → 200, inactive → 400 with a "success" body, unknown → 400', async () => {
    const world = await bookingWorld(db());
    const colleague = await person(db(), { customerId: world.customerId });
    const base = { NADOOIT__API_KEY: world.key.secret, NADOOIT__USER_CODE: world.bot.userCode };
    assert.deepEqual(await check({ ...base, NADOOIT__USER_CODE_TO_CHECK: colleague.userCode }), { status: 200, body: { success: 'User to check is active' } });
    await db().updateTable('users').set({ is_active: false }).where('id', '=', colleague.userId).execute();
    assert.deepEqual(await check({ ...base, NADOOIT__USER_CODE_TO_CHECK: colleague.userCode }), { status: 400, body: { success: 'User to check is not active' } });
    assert.deepEqual(await check({ ...base, NADOOIT__USER_CODE_TO_CHECK: 'NOBODY' }), { status: 400, body: { error: 'User does not exist' } });
  });

  it('fix S7: people of other customers, and people without a customer, "do not exist" for the caller', async () => {
    const world = await bookingWorld(db());
    const other = await bookingWorld(db(), { customerName: 'Bäckerei Schmidt KG' });
    const loner = await createUser(db(), { displayName: 'Niemand' });
    const base = { NADOOIT__API_KEY: world.key.secret, NADOOIT__USER_CODE: world.bot.userCode };
    for (const code of [other.bot.userCode, loner.user_code]) {
      assert.deepEqual(await check({ ...base, NADOOIT__USER_CODE_TO_CHECK: code }), { status: 400, body: { error: 'User does not exist' } });
    }
  });

  it('a caller whose own contract is inactive learns nothing about former colleagues', async () => {
    const world = await bookingWorld(db());
    const colleague = await person(db(), { customerId: world.customerId });
    await db().updateTable('hr_employee_contracts').set({ is_active: false }).where('customer_id', '=', world.customerId).execute();
    const res = await check({ NADOOIT__API_KEY: world.key.secret, NADOOIT__USER_CODE: world.bot.userCode, NADOOIT__USER_CODE_TO_CHECK: colleague.userCode });
    assert.deepEqual(res, { status: 400, body: { error: 'User does not exist' } });
  });
});
