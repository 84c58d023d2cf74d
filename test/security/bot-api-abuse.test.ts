import { it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describeEachBackend } from '../support/harness.js';
import { apiKeyFor, bookingWorld, legacyForm, person } from '../../app/nadooit_api_executions_system/testing/fixtures.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Malformed multipart, over-long idempotency keys, OPTIONS and caching of the bots' API (issue 10, findings 7, 9, 10). */
describeEachBackend('the bot API answers malformed requests in its own shape', (h) => {
  const db = () => h().system.context.db.kysely;
  const count = async (customerProgramId?: string) => {
    let query = db().selectFrom('ex_executions').select(db().fn.countAll().as('n'));
    if (customerProgramId) query = query.where('customer_program_id', '=', customerProgramId);
    return Number((await query.executeTakeFirstOrThrow()).n);
  };

  it('malformed multipart bodies get 400 {"error": "Invalid request"}, limits 413, and nothing is booked', async () => {
    const app = await h().app();
    const cases: Array<[string, string, number]> = [
      ['multipart/form-data; boundary=XYZ', 'garbage', 400],
      ['multipart/form-data; boundary=XYZ', '--XYZ\r\nContent-Disposition: form-data; name="a"\r\n\r\ntruncated', 400],
      ['multipart/form-data; boundary=\n', '--\n\r\nx', 400],
      ['multipart/form-data', '--x\r\n', 400],
      ['multipart/form-data; boundary=XYZ', '--XYZ\r\nbroken header\r\n\r\nabc\r\n--XYZ--\r\n', 400],
      ['multipart/form-data; boundary=XYZ', '', 400],
    ];
    for (const [type, payload, status] of cases) {
      const response = await app.inject({ method: 'POST', url: '/api/executions', headers: { 'content-type': type }, payload });
      assert.equal(response.statusCode, status, `${JSON.stringify(type)} ${JSON.stringify(payload)}: ${response.body}`);
      assert.equal(response.json().error, 'Invalid request', response.body);
    }
    const tooManyFields = `${Array.from({ length: 60 }, (_, i) => `--XYZ\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`).join('')}--XYZ--\r\n`;
    const limited = await app.inject({ method: 'POST', url: '/api/executions', headers: { 'content-type': 'multipart/form-data; boundary=XYZ' }, payload: tooManyFields });
    assert.equal(limited.statusCode, 413, limited.body);
    assert.equal(await count(), 0);

    // A well-formed multipart booking still works.
    const world = await bookingWorld(db(), { balanceSeconds: 3600 });
    const fields = new URLSearchParams(legacyForm(world));
    const body = `${[...fields].map(([k, v]) => `--XYZ\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('')}--XYZ--\r\n`;
    const ok = await app.inject({ method: 'POST', url: '/api/executions', headers: { 'content-type': 'multipart/form-data; boundary=XYZ' }, payload: body });
    assert.equal(ok.statusCode, 200, ok.body);
  });

  it('an over-long Idempotency-Key is 400 with a length message (header, form field and REST API), not 409', async () => {
    const app = await h().app();
    const world = await bookingWorld(db(), { balanceSeconds: 3600 });
    const long = 'k'.repeat(256);
    const byHeader = await app.inject({ method: 'POST', url: '/api/executions', headers: { ...FORM, 'idempotency-key': long }, payload: legacyForm(world) });
    assert.equal(byHeader.statusCode, 400, byHeader.body);
    assert.match(byHeader.json().error, /höchstens 255 Zeichen/);
    const byField = await app.inject({ method: 'POST', url: '/api/executions', headers: { ...FORM, 'accept-language': 'en' }, payload: legacyForm(world, { idempotency_key: long }) });
    assert.equal(byField.statusCode, 400, byField.body);
    const manager = await person(db(), { customerId: world.customerId, roles: { customer_program_execution_manager: ['can_create_customer_program_execution'] } });
    const managerKey = await apiKeyFor(db(), manager.userId);
    const rest = await app.inject({
      method: 'POST',
      url: '/api/v1/executions',
      headers: { authorization: `Bearer ${managerKey.secret}`, 'idempotency-key': long, 'content-type': 'application/json' },
      payload: JSON.stringify({ customer_program_id: world.customerProgramId }),
    });
    assert.equal(rest.statusCode, 400, rest.body);
    assert.equal(rest.json().error.code, 'idempotency_key_too_long');
    assert.equal(await count(world.customerProgramId), 0);
    const exact = await app.inject({ method: 'POST', url: '/api/executions', headers: { ...FORM, 'idempotency-key': 'k'.repeat(255) }, payload: legacyForm(world) });
    assert.equal(exact.statusCode, 200, exact.body);
  });

  it('OPTIONS answers as the Allow header promises; API answers are not cached', async () => {
    const app = await h().app();
    for (const url of ['/api/executions', '/api/users/check']) {
      const options = await app.inject({ method: 'OPTIONS', url });
      assert.equal(options.statusCode, 200, options.body);
      assert.equal(options.headers.allow, 'POST, OPTIONS');
      assert.deepEqual(options.json().parses, ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']);
      const get = await app.inject({ method: 'GET', url });
      assert.equal(get.statusCode, 405);
      assert.equal(get.headers.allow, 'POST, OPTIONS');
    }
    const world = await bookingWorld(db(), { balanceSeconds: 3600 });
    const booked = await app.inject({ method: 'POST', url: '/api/executions', headers: FORM, payload: legacyForm(world) });
    assert.equal(booked.headers['cache-control'], 'no-store');
    const refused = await app.inject({ method: 'POST', url: '/api/executions', headers: FORM, payload: 'x=1' });
    assert.equal(refused.headers['cache-control'], 'no-store');
  });

  it('router-level refusals (over-long path segment, broken percent-encoding) come in the API envelope', async () => {
    const app = await h().app();
    const long = await app.inject({ method: 'GET', url: `/api/v1/customers/${'a'.repeat(600)}` });
    assert.equal(long.statusCode, 414);
    assert.deepEqual(Object.keys(long.json().error).sort(), ['code', 'message']);
    assert.equal(long.json().error.code, 'uri_too_long');
    assert.equal(long.headers['cache-control'], 'no-store');
    const badUrl = await app.inject({ method: 'GET', url: '/api/v1/customers/%E0%A4%A' });
    assert.equal(badUrl.statusCode, 400, badUrl.body);
    assert.equal(badUrl.json().error.code, 'bad_request');
    const noRoute = await app.inject({ method: 'DELETE', url: '/api/v1/customers', headers: { authorization: 'Bearer nadooit_x_y' } });
    assert.equal(noRoute.statusCode, 404, noRoute.body);
    assert.equal(noRoute.json().error.code, 'not_found');
  });
});

describeEachBackend(
  'keys the API does not know count against the client address',
  (h) => {
    it('a client inventing a new key per request is throttled by address; another address is not', async () => {
      const app = await h().app();
      const world = await bookingWorld(h().system.context.db.kysely, { balanceSeconds: 3600 });
      const guess = (remoteAddress: string) =>
        app.inject({ method: 'POST', url: '/api/executions', remoteAddress, headers: FORM, payload: legacyForm(world, { NADOOIT__API_KEY: `nadooit_${randomBytes(12).toString('hex')}` }) });
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await guess('10.0.0.7')).statusCode);
      assert.deepEqual(codes, [403, 403, 403, 429, 429]);
      assert.equal((await guess('10.0.0.8')).statusCode, 403, 'another address has its own budget');
      const bearer = [];
      for (let i = 0; i < 4; i++) {
        bearer.push((await app.inject({ method: 'GET', url: '/api/v1/customers', remoteAddress: '10.0.0.9', headers: { authorization: `Bearer nadooit_${randomBytes(12).toString('hex')}` } })).statusCode);
      }
      assert.deepEqual(bearer, [401, 401, 401, 429]);
      // The real key, once verified, has its own budget and is not blocked by the guesses from its address.
      const real = await app.inject({ method: 'POST', url: '/api/executions', remoteAddress: '10.0.0.10', headers: FORM, payload: legacyForm(world) });
      assert.equal(real.statusCode, 200, real.body);
      const again = await app.inject({ method: 'POST', url: '/api/executions', remoteAddress: '10.0.0.7', headers: FORM, payload: legacyForm(world) });
      assert.equal(again.statusCode, 200, again.body);
    });
  },
  { settings: { NADOOIT_API_RATE_LIMIT_PER_MINUTE: '3' } },
);
