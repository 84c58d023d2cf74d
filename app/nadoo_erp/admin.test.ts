import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { createStaff, listedIds, staffLogin } from '../../test/e2e/admin-support.js';
import { makeCustomer } from '../nadooit_hr/testing.js';
import { checkLowStock, getItem, stockMovements } from './services/index.js';

const ADMIN = '/admin/nadoo_erp';

describeEachBackend('ERP admin', (h) => {
  const db = () => h().system.context.db.kysely;

  it('staff create an item with an exact price, book stock through actions and browse every ERP page', async () => {
    const client = await staffLogin(await h().app(), await createStaff(db(), h().settings, { superuser: true }));
    const customerId = await makeCustomer(db());
    const created = await client.post(`${ADMIN}/items/add`, {
      customer_id: customerId,
      sku: 'ADM-1',
      description: 'Kabel <b>rot</b>',
      price_micro: '2,345678',
      currency: 'EUR',
      opening_quantity: '4',
      minimum_quantity: '10',
      _continue: '1',
    });
    assert.equal(created.statusCode, 303, created.body);
    const id = /items\/([0-9a-f-]{36})\/change/.exec(String(created.headers.location))![1]!;
    assert.deepEqual([(await getItem(db(), id))!.price_micro, (await getItem(db(), id))!.quantity_available], [2_345_678, 4]);
    assert.equal((await client.post(`${ADMIN}/items/action`, { action: 'receipt', ids: id, confirm: '1', quantity: '3', note: 'Lieferung' })).statusCode, 303);
    const refused = await client.post(`${ADMIN}/items/action`, { action: 'issue', ids: id, confirm: '1', quantity: '50' });
    assert.match(refused.body, /Nicht genug Bestand/);
    assert.equal((await getItem(db(), id))!.quantity_available, 7);
    assert.deepEqual((await stockMovements(db(), id)).map((m) => m.kind), ['receipt', 'opening']);
    await checkLowStock(db());
    for (const model of ['items', 'stock_movements', 'low_stock_alerts']) {
      const list = await client.get(`${ADMIN}/${model}/`);
      assert.equal(list.statusCode, 200, model);
      const [first] = listedIds(list.body);
      assert.ok(first, `${model} lists a row`);
      assert.equal((await client.get(`${ADMIN}/${model}/${first}/`)).statusCode, 200, `${model} detail`);
    }
    const detail = await client.get(`${ADMIN}/items/${id}/`);
    assert.match(detail.body, /Kabel &lt;b>rot&lt;\/b>/);
    assert.equal((await client.get(`${ADMIN}/stock_movements/add`)).statusCode, 403, 'the ledger is never written by hand');
  });
});
