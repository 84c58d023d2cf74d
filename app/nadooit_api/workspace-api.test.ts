import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { setClock } from '../core/time/clock.js';
import { apiKeyFor, person } from '../nadooit_api_executions_system/testing/fixtures.js';
import { makeCustomer } from '../nadooit_hr/testing.js';
import { openWorkTimeAccount } from '../nadooit_time_account/work-time/access.js';

const STAFF = { actorUserId: null, asStaff: true } as const;

after(() => setClock(null));

describeEachBackend('REST API: processes and work time', (h) => {
  const db = () => h().system.context.db.kysely;
  async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, key: string, payload?: unknown) {
    const res = await (await h().app()).inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${key}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
    return { status: res.statusCode, body: res.json() };
  }

  it('program managers define processes and read the chain; other customers get 403; bad input 400', async () => {
    const customer = await makeCustomer(db());
    const manager = await person(db(), { customerId: customer, roles: { customer_program_manager: ['can_create_customer_program'] } });
    const outsider = await person(db(), { customerId: await makeCustomer(db()), roles: { customer_program_manager: ['can_create_customer_program'] } });
    const key = (await apiKeyFor(db(), manager.userId)).secret;
    const other = (await apiKeyFor(db(), outsider.userId)).secret;
    const first = await call('POST', '/processes', key, { customer_id: customer, name: 'Eingang' });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const second = await call('POST', '/processes', key, { customer_id: customer, name: 'Prüfung', trigger_process_id: first.body.id });
    assert.equal(second.status, 201);
    const chain = await call('GET', `/processes/${second.body.id}`, key);
    assert.deepEqual(chain.body.edges, [{ from: first.body.id, to: second.body.id }]);
    assert.deepEqual((await call('GET', `/processes?customer=${customer}`, key)).body.items.map((p: { name: string }) => p.name), ['Eingang', 'Prüfung']);
    assert.equal((await call('PUT', `/processes/${first.body.id}`, key, { name: 'Posteingang', triggers_ids: [second.body.id] })).body.triggers_ids[0], second.body.id);
    assert.equal((await call('GET', `/processes/${first.body.id}`, other)).status, 403);
    assert.equal((await call('POST', '/processes', key, { customer_id: customer, name: '' })).status, 400);
    assert.equal((await call('DELETE', `/processes/${first.body.id}`, key)).status, 403, 'deleting needs can_delete_customer_program');
    const doc = (await (await h().app()).inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const path of ['/api/v1/processes', '/api/v1/processes/{id}', '/api/v1/work-time/accounts', '/api/v1/work-time/accounts/{id}/report', '/api/v1/work-time/entries/{id}']) {
      assert.ok(doc.paths[path], `${path} is in the OpenAPI document`);
    }
  });

  it('the employee clocks in and out; the manager corrects with a reason; outsiders get 403', async () => {
    const customer = await makeCustomer(db());
    const employee = await person(db(), { customerId: customer });
    const manager = await person(db(), { customerId: customer, roles: { employee_manager: [] } });
    const outsider = await person(db(), { customerId: await makeCustomer(db()), roles: { employee_manager: [] } });
    const account = await openWorkTimeAccount(db(), { ...STAFF, customerId: customer, userId: employee.userId, weeklyWorkSeconds: 40 * 3600 });
    const [me, boss, other] = await Promise.all([employee, manager, outsider].map(async (p) => (await apiKeyFor(db(), p.userId)).secret));
    assert.deepEqual((await call('GET', '/work-time/accounts', me)).body.items.map((a: { id: string }) => a.id), [account.id]);
    setClock(new Date('2025-06-16T06:00:00Z'));
    assert.equal((await call('POST', `/work-time/accounts/${account.id}/clock-in`, me)).status, 200);
    assert.equal((await call('POST', `/work-time/accounts/${account.id}/clock-in`, me)).status, 409);
    assert.equal((await call('POST', `/work-time/accounts/${account.id}/clock-out`, boss)).status, 403);
    setClock(new Date('2025-06-16T14:00:00Z'));
    const out = await call('POST', `/work-time/accounts/${account.id}/clock-out`, me);
    assert.equal(out.body.ended_at, '2025-06-16T14:00:00.000Z');
    setClock(new Date('2025-06-17T08:00:00Z'));
    const fix = await call('PUT', `/work-time/entries/${out.body.id}`, boss, { started_at: '2025-06-16T06:00:00Z', ended_at: '2025-06-16T15:00:00Z', reason: 'Kundentermin' });
    assert.equal(fix.status, 200, JSON.stringify(fix.body));
    assert.equal((await call('PUT', `/work-time/entries/${out.body.id}`, me, { started_at: '2025-06-16T06:00:00Z', ended_at: '2025-06-16T16:00:00Z', reason: 'selbst' })).status, 403);
    const report = await call('GET', `/work-time/accounts/${account.id}/report?unit=day&date=2025-06-16`, boss);
    assert.deepEqual([report.body.worked_seconds, report.body.overtime_seconds], [9 * 3600, 3600]);
    assert.equal((await call('GET', `/work-time/accounts/${account.id}/report`, other)).status, 403);
    assert.equal((await call('POST', `/work-time/entries/${out.body.id}/delete`, other, { reason: 'x' })).status, 403);
  });
});
