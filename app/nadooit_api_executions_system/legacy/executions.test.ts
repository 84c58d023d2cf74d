import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { revokeApiKey } from '../../nadooit_api_key/services/index.js';
import { bookingWorld, legacyForm, person, apiKeyFor } from '../testing/fixtures.js';
import type { BookingWorld } from '../testing/fixtures.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describeEachBackend('POST /api/executions (legacy-core §5.1 contract)', (h) => {
  const db = () => h().system.context.db.kysely;
  const post = async (payload: string, headers: Record<string, string> = FORM) =>
    (await h().app()).inject({ method: 'POST', url: '/api/executions', payload, headers });
  const balance = async (world: BookingWorld) =>
    Number((await db().selectFrom('ta_time_accounts').select('balance_seconds').where('id', '=', world.timeAccountId!).executeTakeFirstOrThrow()).balance_seconds);
  const executions = async (world: BookingWorld) =>
    db().selectFrom('ex_executions').selectAll().where('customer_program_id', '=', world.customerProgramId).execute();

  it('§8 test_create_execution: employee with active contract, balance 0, default 0 → 200', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 0, defaultSeconds: 0, pricePerSecond: 0 });
    const res = await post(legacyForm(world));
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().success, 'Execution created');
  });

  it('row 1: API key missing or not a string → 400 Invalid request', async () => {
    const world = await bookingWorld(db());
    const withoutKey = new URLSearchParams({ NADOOIT__USER_CODE: world.bot.userCode, program_id: world.customerProgramId }).toString();
    assert.deepEqual((await post(withoutKey)).json(), { error: 'Invalid request' });
    assert.equal((await post(withoutKey)).statusCode, 400);
    const numericKey = await post(JSON.stringify({ NADOOIT__API_KEY: 123, NADOOIT__USER_CODE: world.bot.userCode, program_id: world.customerProgramId }), {
      'content-type': 'application/json',
    });
    assert.equal(numericKey.statusCode, 400);
    assert.deepEqual(numericKey.json(), { error: 'Invalid request' });
  });

  it('row 2 (§8 invalid api key): unknown or revoked key → 403 Invalid API Key', async () => {
    const world = await bookingWorld(db());
    const unknown = await post(legacyForm(world, { NADOOIT__API_KEY: 'invalid api key' }));
    assert.equal(unknown.statusCode, 403);
    assert.deepEqual(unknown.json(), { error: 'Invalid API Key' });
    await revokeApiKey(db(), { actorUserId: world.bot.userId, keyId: world.key.id });
    const revoked = await post(legacyForm(world));
    assert.equal(revoked.statusCode, 403);
    assert.deepEqual(revoked.json(), { error: 'Invalid API Key' });
  });

  it('row 3 (§8 invalid user code): another, differently cased or missing user code → 403', async () => {
    const world = await bookingWorld(db());
    for (const code of ['WRONG1', world.bot.userCode.toLowerCase()]) {
      const res = await post(legacyForm(world, { NADOOIT__USER_CODE: code }));
      assert.equal(res.statusCode, 403);
      assert.deepEqual(res.json(), { error: 'User code is not valid' });
    }
    const missing = new URLSearchParams({ NADOOIT__API_KEY: world.key.secret, program_id: world.customerProgramId }).toString();
    assert.deepEqual((await post(missing)).json(), { error: 'User code is not valid' });
  });

  it('row 4: key owner inactive → 403 User is not active', async () => {
    const world = await bookingWorld(db());
    await db().updateTable('users').set({ is_active: false }).where('id', '=', world.bot.userId).execute();
    const res = await post(legacyForm(world));
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), { error: 'User is not active' });
  });

  it('row 5: program_id missing or not a UUID → 400 Invalid request', async () => {
    const world = await bookingWorld(db());
    for (const programId of [undefined, 'abc', '12345678-1234-1234-1234-1234567890zz']) {
      const form = new URLSearchParams({ NADOOIT__API_KEY: world.key.secret, NADOOIT__USER_CODE: world.bot.userCode });
      if (programId) form.set('program_id', programId);
      const res = await post(form.toString());
      assert.equal(res.statusCode, 400);
      assert.deepEqual(res.json(), { error: 'Invalid request' });
    }
  });

  it('row 6: no customer program with that id → 400 Program does not exist', async () => {
    const world = await bookingWorld(db());
    const res = await post(legacyForm(world, { program_id: crypto.randomUUID() }));
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { error: 'Program does not exist' });
  });

  it('row 6: the id of a Program (not a CustomerProgram) does not exist either', async () => {
    const world = await bookingWorld(db());
    const res = await post(legacyForm(world, { program_id: world.programId }));
    assert.deepEqual(res.json(), { error: 'Program does not exist' });
  });

  it('accepts the customer program id without dashes and in upper case, as Django did', async () => {
    const world = await bookingWorld(db());
    const res = await post(legacyForm(world, { program_id: world.customerProgramId.replaceAll('-', '').toUpperCase() }));
    assert.equal(res.statusCode, 200);
  });

  it('row 7: no active contract with the program customer → 400 User is not an employee of the company', async () => {
    const world = await bookingWorld(db());
    const outsider = await person(db(), { displayName: 'Outsider' });
    const key = await apiKeyFor(db(), outsider.userId);
    const res = await post(legacyForm(world, { NADOOIT__API_KEY: key.secret, NADOOIT__USER_CODE: outsider.userCode }));
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { error: 'User is not an employee of the company' });

    const former = await person(db(), { customerId: world.customerId, contractActive: false });
    const formerKey = await apiKeyFor(db(), former.userId);
    const res2 = await post(legacyForm(world, { NADOOIT__API_KEY: formerKey.secret, NADOOIT__USER_CODE: former.userCode }));
    assert.deepEqual(res2.json(), { error: 'User is not an employee of the company' });
  });

  it('row 8: time_saved not integer-parsable ("12.5", "abc") → 400 Invalid request, with a clear detail', async () => {
    const world = await bookingWorld(db());
    for (const value of ['12.5', 'abc', '1e3']) {
      const res = await post(legacyForm(world, { time_saved: value }));
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error, 'Invalid request');
      assert.match(res.json().detail, /time_saved/);
    }
    assert.equal((await executions(world)).length, 0);
  });

  it('checks run in the original order: a bad key wins over a bad program id and a bad time_saved', async () => {
    const world = await bookingWorld(db());
    const res = await post(legacyForm(world, { NADOOIT__API_KEY: 'nope', program_id: 'x', time_saved: 'y' }));
    assert.deepEqual(res.json(), { error: 'Invalid API Key' });
    const res2 = await post(legacyForm(world, { NADOOIT__USER_CODE: 'nope', program_id: 'x' }));
    assert.deepEqual(res2.json(), { error: 'User code is not valid' });
    const res3 = await post(legacyForm(world, { program_id: crypto.randomUUID(), time_saved: 'y' }));
    assert.deepEqual(res3.json(), { error: 'Program does not exist' });
  });

  it('fix S3: negative or too large time_saved → 400 with a clear message, nothing booked', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 100 });
    const max = h().settings.maxTimeSavedSeconds;
    for (const value of ['-100', String(max + 1), '99999999999999999999999']) {
      const res = await post(legacyForm(world, { time_saved: value }));
      assert.equal(res.statusCode, 400, value);
      assert.match(res.json().error, new RegExp(`time_saved.*${max}`));
    }
    const json = await post(JSON.stringify({ NADOOIT__API_KEY: world.key.secret, NADOOIT__USER_CODE: world.bot.userCode, program_id: world.customerProgramId, time_saved: 12.5 }), {
      'content-type': 'application/json',
    });
    assert.equal(json.statusCode, 400);
    assert.equal(json.json().error, 'Invalid request');
    assert.equal((await executions(world)).length, 0);
    assert.equal(await balance(world), 100);
  });

  it('time_saved missing, empty or 0 books the program default; a value within range is booked as sent', async () => {
    const world = await bookingWorld(db(), { defaultSeconds: 300, balanceSeconds: 100_000 });
    for (const extra of [{}, { time_saved: '' }, { time_saved: '0' }] as Array<Record<string, string>>) {
      const res = await post(legacyForm(world, extra));
      assert.equal(res.json().charged_seconds, 300);
    }
    const res = await post(legacyForm(world, { time_saved: ' 42 ' }));
    assert.equal(res.json().charged_seconds, 42);
    assert.equal((await post(legacyForm(world, { time_saved: String(h().settings.maxTimeSavedSeconds) }))).statusCode, 200);
  });

  it('200 body keeps "success" and adds the booking figures (worked example §4.2: B=100, T=300, 0.01 €/s)', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 100, pricePerSecond: 10_000 });
    const res = await post(legacyForm(world, { time_saved: '300' }));
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.deepEqual(body, {
      success: 'Execution created',
      execution_id: body.execution_id,
      charged_seconds: 300,
      covered_seconds: 100,
      price: '2.000000',
      currency: 'EUR',
      balance_seconds: 0,
    });
    const [row] = await executions(world);
    assert.equal(row!.id, body.execution_id);
    assert.equal(row!.price, 2_000_000);
    assert.equal(row!.payment_status, 'NOT_PAID');
    assert.equal(await balance(world), 0);
  });

  it('fix D3: an inactive customer program refuses bookings with a clear error', async () => {
    const world = await bookingWorld(db(), { active: false, balanceSeconds: 500 });
    const res = await post(legacyForm(world));
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error, /deaktiviert|not active/);
    assert.equal((await executions(world)).length, 0);
    assert.equal(await balance(world), 500);
  });

  it('fix D3: a program without a time account books everything as billable instead of failing', async () => {
    const world = await bookingWorld(db(), { withTimeAccount: false, pricePerSecond: 10_000 });
    const res = await post(legacyForm(world, { time_saved: '60' }));
    assert.equal(res.statusCode, 200);
    assert.deepEqual([res.json().covered_seconds, res.json().price, res.json().balance_seconds], [0, '0.600000', null]);
  });

  it('Idempotency-Key header: a retry returns the first result and books nothing twice', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 1000 });
    const first = await post(legacyForm(world, { time_saved: '100' }), { ...FORM, 'idempotency-key': 'run-2025-08-29-0001' });
    const again = await post(legacyForm(world, { time_saved: '100' }), { ...FORM, 'idempotency-key': 'run-2025-08-29-0001' });
    assert.equal(first.statusCode, 200);
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json(), first.json());
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal((await executions(world)).length, 1);
    assert.equal(await balance(world), 900);
  });

  it('idempotency_key field works too; reusing a key for a different request is refused (409)', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 1000 });
    const first = await post(legacyForm(world, { time_saved: '100', idempotency_key: 'k-1' }));
    assert.equal((await post(legacyForm(world, { time_saved: '100', idempotency_key: 'k-1' }))).json().execution_id, first.json().execution_id);
    const other = await post(legacyForm(world, { time_saved: '200', idempotency_key: 'k-1' }));
    assert.equal(other.statusCode, 409);
    assert.equal((await executions(world)).length, 1);
  });

  it('parallel retries with one idempotency key still book once', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 1000 });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => post(legacyForm(world, { time_saved: '100' }), { ...FORM, 'idempotency-key': 'same' })),
    );
    assert.ok(answers.every((a) => a.statusCode === 200));
    assert.equal(new Set(answers.map((a) => a.json().execution_id)).size, 1);
    assert.equal((await executions(world)).length, 1);
    assert.equal(await balance(world), 900);
  });

  it('accepts JSON, multipart and Authorization: Bearer', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 10_000 });
    const json = await post(JSON.stringify({ NADOOIT__API_KEY: world.key.secret, NADOOIT__USER_CODE: world.bot.userCode, program_id: world.customerProgramId, time_saved: 10 }), {
      'content-type': 'application/json',
    });
    assert.equal(json.statusCode, 200);
    const boundary = '----nadooit';
    const parts = { NADOOIT__API_KEY: world.key.secret, NADOOIT__USER_CODE: world.bot.userCode, program_id: world.customerProgramId, time_saved: '20' };
    const multipart =
      Object.entries(parts)
        .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
        .join('') + `--${boundary}--\r\n`;
    const mp = await post(multipart, { 'content-type': `multipart/form-data; boundary=${boundary}` });
    assert.equal(mp.statusCode, 200, mp.body);
    assert.equal(mp.json().charged_seconds, 20);
    const bearer = await post(new URLSearchParams({ NADOOIT__USER_CODE: world.bot.userCode, program_id: world.customerProgramId }).toString(), {
      ...FORM,
      authorization: `Bearer ${world.key.secret}`,
    });
    assert.equal(bearer.statusCode, 200);
  });

  it('a repeated form field counts with its last value, as Django QueryDict.get', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 10_000 });
    const res = await post(`${legacyForm(world)}&time_saved=5&time_saved=7`);
    assert.equal(res.json().charged_seconds, 7);
  });

  it('other methods → 405 with DRF body; malformed JSON → 400 Invalid request', async () => {
    const app = await h().app();
    const get = await app.inject({ method: 'GET', url: '/api/executions' });
    assert.equal(get.statusCode, 405);
    assert.deepEqual(get.json(), { detail: 'Method "GET" not allowed.' });
    const bad = await post('{"NADOOIT__API_KEY": ', { 'content-type': 'application/json' });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json(), { error: 'Invalid request' });
  });

  it('a key issued for another customer cannot book for this one', async () => {
    const world = await bookingWorld(db());
    const other = await bookingWorld(db(), { customerName: 'Bäckerei Schmidt KG' });
    const scoped = await apiKeyFor(db(), world.bot.userId, other.customerId);
    const res = await post(legacyForm(world, { NADOOIT__API_KEY: scoped.secret }));
    assert.equal(res.statusCode, 403);
  });

  it('a browser session without CSRF token is refused (403), bots without cookies need none', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 10_000 });
    const app = await h().app();
    const session = await app.inject({ method: 'POST', url: '/api/executions', payload: legacyForm(world), headers: { ...FORM, cookie: 'nadooit_session=abc' } });
    assert.equal(session.statusCode, 403);
    assert.match(session.json().detail, /^CSRF Failed/);
  });

  it('answers from the lean machine scope: no page headers or session, still the Host check and the caller\'s language', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 10_000 });
    const booked = await post(legacyForm(world));
    assert.equal(booked.statusCode, 200);
    assert.equal(booked.headers['cache-control'], 'no-store');
    assert.equal(booked.headers['x-content-type-options'], 'nosniff');
    assert.match(String(booked.headers['content-security-policy']), /default-src 'none'/);
    assert.equal(booked.headers['set-cookie'], undefined);
    assert.equal(booked.headers['x-frame-options'], undefined, 'helmet (page headers) is not in this scope');
    const foreign = await post(legacyForm(world), { ...FORM, host: 'evil.example' });
    assert.equal(foreign.statusCode, 400);
    await db().updateTable('pos_customer_programs').set({ is_active: false }).where('id', '=', world.customerProgramId).execute();
    const english = await post(legacyForm(world), { ...FORM, 'accept-language': 'en-GB,en;q=0.9' });
    assert.deepEqual(english.json(), { error: 'Program is not active; it accepts no bookings.' });
    const german = await post(legacyForm(world));
    assert.deepEqual(german.json(), { error: 'Das Programm ist deaktiviert; es nimmt keine Buchungen an.' });
  });
});
