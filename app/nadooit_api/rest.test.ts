import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../test/support/harness.js';
import { TestClient } from '../../test/support/http.js';
import { personWithKey, signInWithKey } from '../nadooit_auth/testing/sign-in.js';
import { ensureContract, getOrCreateEmployee, grantRole } from '../nadooit_hr/services/index.js';
import { bookExecution } from '../nadooit_api_executions_system/services/index.js';
import { apiKeyFor, bookingWorld, person } from '../nadooit_api_executions_system/testing/fixtures.js';
import type { BookingWorld } from '../nadooit_api_executions_system/testing/fixtures.js';

const ALL_EXECUTION = ['can_create_customer_program_execution', 'can_delete_customer_program_execution', 'can_give_manager_role'];

describeEachBackend('REST API /api/v1: scoping, validation, workflows', (h) => {
  const db = () => h().system.context.db.kysely;
  let app: FastifyInstance;

  /**
   * Two customers (A with 1000 s prepaid) with the given number of bookings, a manager of A, a manager of B, a
   * staff member, a plain employee of A, and request helpers that call as A's manager unless given a key.
   */
  async function scene(bookings: { a: number; b: number } = { a: 0, b: 0 }) {
    const a = await bookingWorld(db(), { customerName: 'Kunde A', balanceSeconds: 1000, pricePerSecond: 10_000 });
    const b = await bookingWorld(db(), { customerName: 'Kunde B', balanceSeconds: 1000 });
    const managerA = await person(db(), {
      customerId: a.customerId,
      roles: { customer_program_execution_manager: ALL_EXECUTION, time_account_manager: ['can_create_time_accounts'], customer_program_manager: [] },
    });
    const managerB = await person(db(), { customerId: b.customerId, roles: { customer_program_execution_manager: ALL_EXECUTION, time_account_manager: [] } });
    const staff = await person(db(), { isStaff: true });
    // Staff authority through the API is the admin's permission model: a superuser holds every permission.
    await db().updateTable('users').set({ is_superuser: true }).where('id', '=', staff.userId).execute();
    const keyA = (await apiKeyFor(db(), managerA.userId)).secret;
    const keyB = (await apiKeyFor(db(), managerB.userId)).secret;
    const staffKey = (await apiKeyFor(db(), staff.userId)).secret;
    const plainKey = a.key.secret;
    for (let i = 0; i < bookings.a; i++) await book(a, 100);
    for (let i = 0; i < bookings.b; i++) await book(b, 100);
    const get = (url: string, key = keyA) => call('GET', url, key);
    const post = (url: string, payload: unknown, key = keyA) => call('POST', url, key, payload);
    return { a, b, managerA, keyA, keyB, staffKey, plainKey, get, post };
  }
  type Scene = Awaited<ReturnType<typeof scene>>;

  async function call(method: 'GET' | 'POST', url: string, key: string, payload?: unknown) {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      payload: payload === undefined ? undefined : JSON.stringify(payload),
    });
    return { status: res.statusCode, body: res.headers['content-type']?.toString().includes('json') ? res.json() : res.body, headers: res.headers };
  }
  const book = async (world: BookingWorld, seconds: number) =>
    (await bookExecution(db(), { customerProgramId: world.customerProgramId, timeSavedSeconds: seconds, maxTimeSavedSeconds: 86_400, userId: null })).execution;

  // Read-only: 30 bookings of A, 5 of B. Tests that write make a scene of their own.
  let shared: Scene;
  before(async () => {
    app = await h().app();
    shared = await scene({ a: 30, b: 5 });
  });

  it('401 without credentials or with an unknown key', async () => {
    const { get } = shared;
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/executions' })).statusCode, 401);
    const bad = await get('/api/v1/executions', 'nadooit_nope');
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error.code, 'unauthorized');
  });

  it('customers, customer programs, programs: only what the caller manages', async () => {
    const { a, b, get, plainKey, staffKey } = shared;
    const customers = await get('/api/v1/customers');
    assert.deepEqual(customers.body.items.map((c: { name: string }) => c.name), ['Kunde A']);
    assert.equal((await get(`/api/v1/customers/${b.customerId}`)).status, 404);
    assert.equal((await get(`/api/v1/customers/${a.customerId}`)).body.name, 'Kunde A');
    const cps = await get('/api/v1/customer-programs');
    assert.deepEqual(cps.body.items.map((c: { id: string }) => c.id), [a.customerProgramId]);
    assert.equal(cps.body.items[0].price_per_second, '0.010000');
    assert.deepEqual((await get(`/api/v1/customer-programs?customer=${b.customerId}`)).body.items, []);
    assert.equal((await get(`/api/v1/customer-programs/${b.customerProgramId}`)).status, 404);
    assert.deepEqual((await get('/api/v1/programs')).body.items.map((p: { id: string }) => p.id), [a.programId]);
    assert.deepEqual((await get('/api/v1/customers', plainKey)).body.items, []);
    assert.equal((await get('/api/v1/customers', staffKey)).body.items.length >= 2, true);
  });

  it('time accounts: ledger of own accounts only; top-ups are staff-only and show up in the ledger', async () => {
    const { a, b, get, post, staffKey } = await scene();
    const accounts = await get('/api/v1/time-accounts');
    assert.deepEqual(accounts.body.items.map((x: { id: string }) => x.id), [a.timeAccountId]);
    assert.deepEqual(accounts.body.items[0].customer_ids, [a.customerId]);
    assert.equal((await get(`/api/v1/time-accounts/${b.timeAccountId}/ledger`)).status, 404);
    assert.equal((await post(`/api/v1/time-accounts/${a.timeAccountId}/top-ups`, { seconds: 3600 })).status, 403);
    const topUp = await post(`/api/v1/time-accounts/${a.timeAccountId}/top-ups`, { seconds: 3600, note: 'Paket S', reference: 'RE-2025-001' }, staffKey);
    assert.equal(topUp.status, 201);
    const ledger = await get(`/api/v1/time-accounts/${a.timeAccountId}/ledger?limit=2`);
    assert.deepEqual([ledger.body.items[0].kind, ledger.body.items[0].seconds, ledger.body.items[0].reference], ['top_up', 3600, 'RE-2025-001']);
    assert.equal(ledger.body.items[0].balance_after, topUp.body.balance_seconds);
    const older = await get(`/api/v1/time-accounts/${a.timeAccountId}/ledger?limit=2&before_seq=${ledger.body.items[1].seq}`);
    assert.ok(older.body.items.every((e: { seq: number }) => e.seq < ledger.body.items[1].seq));
  });

  it('executions: scoped list with cursor pagination and sums; another customer is never visible', async () => {
    const { a, b, get, keyB } = shared;
    const seen = new Set<string>();
    let url = '/api/v1/executions?limit=7';
    for (;;) {
      const page = await get(url);
      assert.equal(page.status, 200);
      for (const item of page.body.items) {
        assert.equal(item.customer_id, a.customerId);
        seen.add(item.id);
      }
      if (!page.body.next_cursor) break;
      url = `/api/v1/executions?limit=7&cursor=${encodeURIComponent(page.body.next_cursor)}`;
    }
    assert.equal(seen.size, 30);
    assert.deepEqual((await get(`/api/v1/executions?customer=${b.customerId}`)).body.items, []);
    assert.equal((await get('/api/v1/executions', keyB)).body.items.every((x: { customer_id: string }) => x.customer_id === b.customerId), true);
    const sums = await get('/api/v1/executions/sums');
    assert.equal(sums.body.count, 30);
    assert.equal(sums.body.time_saved_seconds, 3000);
    assert.equal(sums.body.covered_seconds, 1000);
    assert.deepEqual(sums.body.open_price, { EUR: '20.000000' });
    const open = await get('/api/v1/executions?status=NOT_PAID');
    assert.ok(open.body.items.every((x: { is_open: boolean; payment_status: string }) => x.is_open && x.payment_status === 'NOT_PAID'));
    const future = await get(`/api/v1/executions/sums?from=${encodeURIComponent('2999-01-01T00:00:00+01:00')}`);
    assert.equal(future.body.count, 0);
    const [one] = (await get('/api/v1/executions?limit=1')).body.items;
    assert.equal((await get(`/api/v1/executions/${one.id}`, keyB)).status, 404);
    assert.equal((await get(`/api/v1/executions/${one.id}`)).body.id, one.id);
  });

  it('validation errors: 400 with one detail per field', async () => {
    const { get, post } = shared;
    const res = await get('/api/v1/executions?limit=0&status=FOO&from=yesterday');
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'validation_error');
    const fields = res.body.error.details.map((d: { field: string }) => d.field).sort();
    assert.deepEqual(fields, ['querystring.from', 'querystring.limit', 'querystring.status.0']);
    const body = await post('/api/v1/complaints', { execution_id: 'nope', text: '' });
    assert.equal(body.status, 400);
    assert.deepEqual(body.body.error.details.map((d: { field: string }) => d.field).sort(), ['body.execution_id', 'body.text']);
    assert.equal((await get('/api/v1/customers/not-a-uuid')).body.error.details[0].field, 'params.id');
  });

  it('booking by hand needs can_create_customer_program_execution; Idempotency-Key replays', async () => {
    const { a, b, post, keyA } = await scene();
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/executions',
      headers: { authorization: `Bearer ${keyA}`, 'content-type': 'application/json', 'idempotency-key': 'manual-1' },
      payload: JSON.stringify({ customer_program_id: a.customerProgramId, time_saved: 60 }),
    });
    assert.equal(ok.statusCode, 201, ok.body);
    const again = await post('/api/v1/executions', { customer_program_id: a.customerProgramId, time_saved: 60, idempotency_key: 'manual-1' });
    assert.deepEqual([again.status, again.body.execution_id], [200, ok.json().execution_id]);
    const viewer = await person(db(), { customerId: a.customerId, roles: { customer_program_execution_manager: [] } });
    const viewerKey = (await apiKeyFor(db(), viewer.userId)).secret;
    assert.equal((await post('/api/v1/executions', { customer_program_id: a.customerProgramId }, viewerKey)).status, 403);
    assert.equal((await post('/api/v1/executions', { customer_program_id: b.customerProgramId })).status, 404);
    const tooMuch = await post('/api/v1/executions', { customer_program_id: a.customerProgramId, time_saved: h().settings.maxTimeSavedSeconds + 1 });
    assert.equal(tooMuch.status, 400);
    assert.equal(tooMuch.body.error.code, 'invalid_time_saved');
  });

  it('payment status: staff only, through the transition table; revoke with can_delete credits seconds', async () => {
    const { a, get, post, keyB, staffKey } = await scene();
    await book(a, 86_400); // uses up the prepaid balance: what follows is unpaid
    const execution = await book(a, 100);
    assert.equal(execution.payment_status, 'NOT_PAID');
    assert.equal((await post(`/api/v1/executions/${execution.id}/payment-status`, { status: 'PAID' })).status, 403);
    assert.equal((await post(`/api/v1/executions/${execution.id}/payment-status`, { status: 'PAYED' }, staffKey)).status, 400);
    const paid = await post(`/api/v1/executions/${execution.id}/payment-status`, { status: 'PAID' }, staffKey);
    assert.deepEqual(paid.body, { payment_status: 'PAID', credited_seconds: 0 });
    const back = await post(`/api/v1/executions/${execution.id}/payment-status`, { status: 'NOT_PAID' }, staffKey);
    assert.equal(back.status, 409);
    const history = await get(`/api/v1/executions/${execution.id}`);
    assert.deepEqual(history.body.status_history.map((c: { to_status: string }) => c.to_status), ['PAID']);
    const unpaid = await book(a, 100);
    assert.equal((await post(`/api/v1/executions/${unpaid.id}/revoke`, {}, keyB)).status, 404);
    const revoked = await post(`/api/v1/executions/${unpaid.id}/revoke`, { note: 'Testlauf' });
    assert.deepEqual(revoked.body, { payment_status: 'REVOKED', credited_seconds: unpaid.covered_seconds });
  });

  it('CSV export: the customer\'s execution managers get every row; others 403', async () => {
    const { a, get, keyA, keyB, staffKey } = shared;
    const res = await app.inject({ method: 'GET', url: `/api/v1/executions/export.csv?customer=${a.customerId}`, headers: { authorization: `Bearer ${keyA}` } });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    assert.match(String(res.headers['content-disposition']), /attachment; filename="buchungen-/);
    const lines = res.body.trimEnd().split('\r\n');
    assert.equal(lines[0], 'id,Programmname,erspaarte Zeit,Preis,Erstellt,Status');
    const count = (await get('/api/v1/executions/sums')).body.count;
    assert.equal(lines.length - 1, count);
    const other = await app.inject({ method: 'GET', url: `/api/v1/executions/export.csv?customer=${a.customerId}`, headers: { authorization: `Bearer ${keyB}` } });
    assert.equal(other.statusCode, 403);
    const staff = await app.inject({ method: 'GET', url: `/api/v1/executions/export.csv?customer=${a.customerId}`, headers: { authorization: `Bearer ${staffKey}` } });
    assert.equal(staff.statusCode, 403);
  });

  it('complaints: filed by the manager, decided by staff, visible to A only', async () => {
    const { a, b, get, post, keyB, staffKey } = await scene();
    await book(a, 1000); // uses up the prepaid seconds: the booking complained about is unpaid
    const execution = await book(a, 200);
    assert.equal(execution.payment_status, 'NOT_PAID');
    const filed = await post('/api/v1/complaints', { execution_id: execution.id, text: 'Doppelt gebucht' });
    assert.equal(filed.status, 201);
    assert.equal((await post('/api/v1/complaints', { execution_id: execution.id, text: 'nochmal' })).status, 409);
    assert.equal((await post('/api/v1/complaints', { execution_id: (await book(b, 10)).id, text: 'fremd' })).status, 403);
    const id = filed.body.id;
    assert.equal((await post(`/api/v1/complaints/${id}/transitions`, { status: 'IN_PROGRESS' })).status, 403);
    assert.equal((await post(`/api/v1/complaints/${id}/transitions`, { status: 'IN_PROGRESS' }, staffKey)).body.status, 'IN_PROGRESS');
    assert.equal((await post(`/api/v1/complaints/${id}/comments`, { text: 'Wir prüfen das.' }, staffKey)).status, 201);
    assert.equal((await post(`/api/v1/complaints/${id}/comments`, { text: 'hallo' }, keyB)).status, 403);
    const accepted = await post(`/api/v1/complaints/${id}/transitions`, { status: 'ACCEPTED', note: 'bestätigt' }, staffKey);
    assert.equal(accepted.body.status, 'ACCEPTED');
    const details = await get(`/api/v1/complaints/${id}`);
    assert.equal(details.body.execution.payment_status, 'REVOKED');
    assert.deepEqual(details.body.history.map((e: { kind: string; to_status: string | null }) => e.to_status ?? e.kind), ['OPEN', 'IN_PROGRESS', 'comment', 'ACCEPTED']);
    assert.equal((await get(`/api/v1/complaints/${id}`, keyB)).status, 403);
    assert.deepEqual((await get('/api/v1/complaints', keyB)).body.items, []);
    assert.deepEqual((await get('/api/v1/complaints?status=ACCEPTED')).body.items.map((c: { id: string }) => c.id), [id]);
  });

  it('a key issued for customer A sees only A even when its owner manages B too', async () => {
    const { a, b, get } = await scene({ a: 3, b: 2 });
    const both = await person(db(), { customerId: a.customerId, roles: { customer_program_execution_manager: [] } });
    const employee = await getOrCreateEmployee(db(), both.userId);
    await ensureContract(db(), employee.id, b.customerId);
    await grantRole(db(), { actorUserId: null, asStaff: true, targetEmployeeId: employee.id, customerId: b.customerId, role: 'customer_program_execution_manager', abilities: [] });
    const bound = (await apiKeyFor(db(), both.userId, a.customerId)).secret;
    const items = (await get('/api/v1/executions?limit=500', bound)).body.items;
    assert.ok(items.length > 0 && items.every((x: { customer_id: string }) => x.customer_id === a.customerId));
    assert.deepEqual((await get(`/api/v1/executions?customer=${b.customerId}`, bound)).body.items, []);
  });

  it('session: a signed-in manager reads; writes need the X-CSRFToken header', async () => {
    const { a } = await scene();
    const { user, authenticator } = await personWithKey(db(), { displayName: 'Sitzung' });
    const employee = await getOrCreateEmployee(db(), user.id);
    await ensureContract(db(), employee.id, a.customerId);
    await grantRole(db(), { actorUserId: null, asStaff: true, targetEmployeeId: employee.id, customerId: a.customerId, role: 'customer_program_execution_manager', abilities: [] });
    const client = new TestClient(app);
    await signInWithKey(client, authenticator, user.user_code);
    const list = await client.json('GET', '/api/v1/executions?limit=1');
    assert.equal(list.statusCode, 200, list.body);
    const execution = await book(a, 5);
    const noToken = await app.inject({
      method: 'POST',
      url: '/api/v1/complaints',
      headers: { cookie: client.cookieHeader(), 'content-type': 'application/json' },
      payload: JSON.stringify({ execution_id: execution.id, text: 'x' }),
    });
    assert.equal(noToken.statusCode, 403);
    assert.equal(noToken.json().error.code, 'csrf_failed');
    const withToken = await client.json('POST', '/api/v1/complaints', { execution_id: execution.id, text: 'per Sitzung' });
    assert.equal(withToken.statusCode, 201, withToken.body);
  });

  it('OpenAPI document and interactive docs are served locally', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    assert.equal(doc.openapi, '3.1.0');
    for (const path of ['/api/executions', '/api/users/check', '/api/v1/executions', '/api/v1/executions/export.csv', '/api/v1/complaints/{id}/transitions', '/api/v1/time-accounts/{id}/top-ups']) {
      assert.ok(doc.paths[path], path);
    }
    assert.ok(Object.keys(doc.paths).every((p: string) => p.startsWith('/api/')));
    assert.ok(doc.components.schemas.Execution);
    const page = await app.inject({ method: 'GET', url: '/api/docs/' });
    assert.equal(page.statusCode, 200);
    const scripts = [...page.body.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(scripts.length >= 2 && scripts.every((s) => !s.startsWith('http')));
    for (const src of scripts) {
      const asset = await app.inject({ method: 'GET', url: new URL(src, 'http://localhost/api/docs/').pathname });
      assert.equal(asset.statusCode, 200, src);
    }
  });
});
