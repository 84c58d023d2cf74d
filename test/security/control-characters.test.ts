import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../support/harness.js';
import { TestClient } from '../support/http.js';
import { createStaff, staffLogin } from '../e2e/admin-support.js';
import { bookingWorld } from '../../app/nadooit_api_executions_system/testing/fixtures.js';
import { clientAs } from '../../app/nadooit_os/testing/session.js';

const NUL = '\u0000';
const form = (fields: Record<string, string>) => ({
  payload: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

/**
 * Text with control characters is refused once, at the input boundary, for every route and transport
 * (issue 10, finding 6): 400 with the field named, never a 500 from the database driver.
 */
describeEachBackend('control characters are refused at the boundary', (h) => {
  const db = () => h().system.context.db.kysely;

  it('before login: bot API, login forms and JSON ceremonies answer 400', async () => {
    const app = await h().app();
    const world = await bookingWorld(db(), { balanceSeconds: 3600 });
    const bot = { NADOOIT__API_KEY: world.key.secret, NADOOIT__USER_CODE: world.bot.userCode };
    const cases = [
      { url: '/api/users/check', ...form({ ...bot, NADOOIT__USER_CODE_TO_CHECK: NUL }) },
      { url: '/api/users/check', ...form({ ...bot, NADOOIT__USER_CODE: `A${NUL}` }) },
      { url: '/api/executions', ...form({ ...bot, program_id: NUL }) },
      { url: '/api/executions', ...form({ ...bot, program_id: world.customerProgramId, time_saved: `1${NUL}` }) },
      { url: '/api/executions', ...form({ ...bot, program_id: world.customerProgramId, idempotency_key: `k${NUL}` }) },
      { url: '/api/executions', payload: JSON.stringify({ ...bot, program_id: world.customerProgramId, [`x${NUL}`]: 1 }), headers: { 'content-type': 'application/json' } },
      { url: '/api/executions', payload: JSON.stringify({ ...bot, program_id: world.customerProgramId, note: 'broken \ud800 text' }), headers: { 'content-type': 'application/json' } },
    ];
    for (const request of cases) {
      const response = await app.inject({ method: 'POST', ...request });
      assert.equal(response.statusCode, 400, `${request.url} ${request.payload}: ${response.body}`);
      assert.equal(response.json().error, 'Invalid request');
      assert.match(response.json().detail, /control character|not valid UTF-8/);
    }
    assert.equal(await db().selectFrom('ex_executions').select(db().fn.countAll().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)), 0);

    const client = new TestClient(app);
    await client.get('/auth/staff-login');
    for (const [url, fields] of [
      ['/auth/staff-login', { username: `admin${NUL}`, password: 'x' }],
      ['/auth/staff-login', { username: 'admin', password: `pw${NUL}` }],
      ['/auth/login-user', { user_code: NUL }],
    ] as const) {
      const response = await client.post(url, fields);
      assert.equal(response.statusCode, 400, `${url}: ${response.statusCode}`);
      assert.match(response.body, /enthält Steuerzeichen/);
    }
    const options = await client.json('POST', '/auth/login-user/options', { user_code: `AB${NUL}CD` });
    assert.equal(options.statusCode, 400);
    assert.equal(options.json().error.code, 'invalid_characters');
    assert.equal((await client.get(`/language?set=en&next=/%00`)).statusCode, 400);
  });

  it('signed in: admin search, dashboard queries and the REST API answer 400 with the field named', async () => {
    const app = await h().app();
    const world = await bookingWorld(db(), { balanceSeconds: 3600, customerName: 'Steuerzeichen GmbH' });
    const staff = await staffLogin(app, await createStaff(db(), h().settings, { superuser: true }));
    for (const url of ['/admin/nadooit_api_executions_system/executions/?q=%00', '/admin/nadooit_crm/customers/?q=a%01b', `/admin/nadooit_crm/customers/${encodeURIComponent(NUL)}/`]) {
      const response = await staff.get(url);
      assert.equal(response.statusCode, 400, `${url}: ${response.statusCode}`);
    }
    const api = [
      { method: 'GET' as const, url: '/api/v1/executions?customer_id=%00' },
      { method: 'GET' as const, url: '/api/v1/customers/%00' },
      { method: 'GET' as const, url: '/api/v1/executions?q=%1b%5b31m' },
    ];
    for (const request of api) {
      const response = await app.inject({ ...request, headers: { authorization: `Bearer ${world.key.secret}` } });
      assert.equal(response.statusCode, 400, `${request.url}: ${response.body}`);
      assert.equal(response.json().error.code, 'invalid_characters');
      assert.ok(Array.isArray(response.json().error.details) && response.json().error.details[0].field, response.body);
    }
    const manager = await clientAs(app, db(), h().settings, world.bot.userId);
    assert.equal((await manager.get('/nadooit-os/customer-program-execution/customer-order-overview?customer=%00')).statusCode, 400);
    // Ordinary text with tabs and line breaks still passes.
    const search = await staff.get('/admin/nadooit_crm/customers/?q=%09Steuer');
    assert.equal(search.statusCode, 200, String(search.headers.location));
  });
});
