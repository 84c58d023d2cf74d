import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../../test/support/harness.js';
import { apiKeyFor, person } from '../../nadooit_api_executions_system/testing/fixtures.js';
import { createCustomer } from '../../nadooit_crm/services.js';
import { bookByStaff, ensureMember } from '../../nadooit_network/services/index.js';

describeEachBackend('REST API /api/v1: network and ERP', (h) => {
  const db = () => h().system.context.db.kysely;
  let app: FastifyInstance;
  before(async () => {
    app = await h().app();
  });

  async function call(method: string, url: string, key: string, payload?: unknown) {
    const res = await app.inject({
      method: method as 'GET',
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${key}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      payload: payload === undefined ? undefined : JSON.stringify(payload),
    });
    return { status: res.statusCode, body: String(res.headers['content-type'] ?? '').startsWith('application/json') ? res.json() : res.body, headers: res.headers };
  }

  it('network: transfers are exact and atomic, groups stop at ten, only guild admins change roles', async () => {
    const anna = await person(db(), { displayName: 'Anna' });
    const ben = await person(db(), { displayName: 'Ben' });
    const annaKey = (await apiKeyFor(db(), anna.userId)).secret;
    const benKey = (await apiKeyFor(db(), ben.userId)).secret;
    const me = await call('GET', '/network/me', annaKey);
    assert.equal(me.status, 200);
    assert.equal(me.body.balance, '0.000000');
    await bookByStaff(db(), { actorUserId: null, asStaff: true, inventoryId: (await ensureMember(db(), anna.userId)).inventory_id, kind: 'credit', amountMicro: 10_000_000 });
    const sent = await call('POST', '/network/transfers', annaKey, { to_user_code: ben.userCode, amount: '2.5', note: 'Kaffee' });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.equal(sent.body.balance, '7.500000');
    const tooMuch = await call('POST', '/network/transfers', annaKey, { to_user_code: ben.userCode, amount: '8' });
    assert.deepEqual([tooMuch.status, tooMuch.body.error.code], [409, 'conflict']);
    const bad = await call('POST', '/network/transfers', annaKey, { to_user_code: ben.userCode, amount: '-1' });
    assert.deepEqual([bad.status, bad.body.error.code], [400, 'validation_error']);
    assert.equal((await call('GET', '/network/me', benKey)).body.balance, '2.500000');
    const entries = await call('GET', '/network/me/entries', benKey);
    assert.deepEqual(entries.body.items.map((e: { kind: string; amount: string }) => [e.kind, e.amount]), [['transfer', '2.500000']]);

    const group = await call('POST', '/network/groups', annaKey, { name: 'Zehn' });
    assert.equal(group.status, 201);
    for (let i = 0; i < 9; i++) {
      const p = await person(db());
      assert.equal((await call('POST', `/network/groups/${group.body.id}/members`, annaKey, { user_code: p.userCode })).status, 200);
    }
    const eleventh = await call('POST', `/network/groups/${group.body.id}/members`, annaKey, { user_code: ben.userCode });
    assert.deepEqual([eleventh.status, eleventh.body.error.code], [409, 'conflict']);

    const guild = await call('POST', '/network/guilds', annaKey, { name: 'Gilde' });
    assert.equal(guild.body.my_role, 'admin');
    const joined = await call('POST', `/network/guilds/${guild.body.id}/members`, annaKey, { user_code: ben.userCode });
    const benId = joined.body.members.find((m: { name: string }) => m.name === 'Ben').id;
    assert.equal((await call('PATCH', `/network/guilds/${guild.body.id}/members/${benId}`, benKey, { role: 'admin' })).status, 403);
    const promoted = await call('PATCH', `/network/guilds/${guild.body.id}/members/${benId}`, annaKey, { role: 'moderator' });
    assert.equal(promoted.body.members.find((m: { id: string }) => m.id === benId).role, 'moderator');
    const deposit = await call('POST', `/network/guilds/${guild.body.id}/deposits`, benKey, { amount: '1,25' });
    assert.deepEqual([deposit.status, deposit.body.balance], [201, '1.250000']);
    assert.equal((await call('POST', `/network/guilds/${guild.body.id}/withdrawals`, benKey, { amount: '1' })).status, 403);
    const stranger = (await apiKeyFor(db(), (await person(db())).userId)).secret;
    assert.equal((await call('GET', `/network/guilds/${guild.body.id}`, stranger)).status, 404);
  });

  it('ERP: customer managers only, scoped to their customer; stock ledger, CSV with row errors; all in the OpenAPI document', async () => {
    const customer = await createCustomer(db(), { name: 'Lager GmbH' });
    const other = await createCustomer(db(), { name: 'Andere GmbH' });
    const manager = await person(db(), { customerId: customer.id, roles: { customer_manager: [] } });
    const hr = await person(db(), { customerId: customer.id, roles: { employee_manager: ['can_add_new_employee'] } });
    const key = (await apiKeyFor(db(), manager.userId)).secret;
    const hrKey = (await apiKeyFor(db(), hr.userId)).secret;
    const created = await call('POST', `/erp/customers/${customer.id}/items`, key, { sku: 'K-1', description: 'Kabel', price: '0.199', quantity: 5, minimum_quantity: 2 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual([created.body.price, created.body.quantity_available], ['0.199000', 5]);
    const refused = await call('POST', `/erp/customers/${customer.id}/items`, key, { sku: 'K-2', description: 'x', price: '1.2.3', link: 'ftp://x' });
    assert.deepEqual(refused.body.error.details.map((d: { field: string }) => d.field), ['price', 'link']);
    assert.equal((await call('GET', `/erp/customers/${customer.id}/items`, hrKey)).status, 404, 'another role sees nothing');
    assert.equal((await call('GET', `/erp/customers/${other.id}/items`, key)).status, 404, 'another customer is not disclosed');
    const issue = await call('POST', `/erp/items/${created.body.id}/movements`, key, { kind: 'issue', quantity: 6 });
    assert.deepEqual([issue.status, issue.body.error.code], [409, 'conflict']);
    const receipt = await call('POST', `/erp/items/${created.body.id}/movements`, key, { kind: 'receipt', quantity: 10, note: 'LS-1' });
    assert.deepEqual([receipt.status, receipt.body.quantity_after], [201, 15]);
    const patched = await call('PATCH', `/erp/items/${created.body.id}`, key, { price: '0.25', condition: 'neu' });
    assert.deepEqual([patched.body.price, patched.body.quantity_available, patched.body.condition], ['0.250000', 15, 'neu']);
    const csv = await call('GET', `/erp/customers/${customer.id}/items.csv`, key);
    assert.equal(csv.status, 200);
    assert.match(csv.headers['content-type'] as string, /text\/csv/);
    assert.match(csv.body, /^sku,description,price/);
    assert.match(csv.body, /K-1,Kabel,0\.25,EUR,neu,15,2,nein/);
    const bad = await call('POST', `/erp/customers/${customer.id}/items/import`, key, { csv: 'sku,description,price\nN-1,Neu,abc\nN-2,,1' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.details.map((d: { field: string }) => d.field), ['csv.2.price', 'csv.3.description']);
    assert.equal((await call('GET', `/erp/customers/${customer.id}/items`, key)).body.items.length, 1, 'nothing written');
    const good = await call('POST', `/erp/customers/${customer.id}/items/import`, key, { csv: 'sku,description,price,quantity\nN-1,Neu,1,3' });
    assert.deepEqual(good.body, { created: 1, updated: 0, movements: 1 });
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const path of ['/api/v1/erp/customers/{customerId}/items', '/api/v1/erp/items/{id}/movements', '/api/v1/erp/customers/{customerId}/items/import', '/api/v1/network/transfers', '/api/v1/network/guilds/{id}/members/{memberId}']) {
      assert.ok(doc.paths[path], `${path} in the OpenAPI document`);
    }
  });
});
