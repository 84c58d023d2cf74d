import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import type { TestClient } from '../../test/support/http.js';
import { person } from '../nadooit_api_executions_system/testing/fixtures.js';
import { checkLowStock, getItem, itemsOfCustomer } from '../nadoo_erp/services/index.js';
import { createCustomer } from '../nadooit_crm/services.js';
import { erpPaths } from './paths-erp.js';
import { clientAs } from './testing/session.js';

describeEachBackend('NADOOIT OS ERP pages', (h) => {
  const db = () => h().system.context.db.kysely;
  const client = async (userId: string) => clientAs(await h().app(), db(), h().settings, userId);

  async function upload(c: TestClient, url: string, csv: string) {
    const boundary = '----erptest';
    const body = [
      `--${boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n${c.csrfToken}\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="artikel.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n`,
      `--${boundary}--\r\n`,
    ].join('');
    return (await h().app()).inject({ method: 'POST', url, payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: c.cookieHeader() } });
  }

  it('a customer manager creates an item (field errors on the form), books stock, sees low-stock alerts and exports/imports CSV', async () => {
    const customer = await createCustomer(db(), { name: 'Werkstatt KG' });
    const manager = await person(db(), { customerId: customer.id, roles: { customer_manager: [] } });
    const c = await client(manager.userId);
    const empty = await c.get(erpPaths.home);
    assert.equal(empty.statusCode, 200);
    assert.match(empty.body, /Werkstatt KG/);
    assert.match(empty.body, /Noch keine Artikel/);
    assert.match(empty.body, /href="\/nadooit-os\/erp\/"/, 'customer managers find the page in the navigation');
    const bad = await c.post(erpPaths.items(customer.id), { sku: '', description: 'Bohrer', price: 'zwölf' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Pflichtfeld/);
    assert.match(bad.body, /Bitte einen Preis/);
    assert.match(bad.body, /value="Bohrer"/);
    const created = await c.post(erpPaths.items(customer.id), { sku: 'B-8', description: 'Bohrer 8 mm', price: '4,99', quantity: '3', minimum_quantity: '5' });
    assert.equal(created.statusCode, 303);
    const itemUrl = String(created.headers.location);
    const [item] = await itemsOfCustomer(db(), customer.id);
    assert.equal(item!.price_micro, 4_990_000);
    const issue = await c.post(erpPaths.itemMovements(item!.id), { kind: 'issue', quantity: '4' });
    assert.equal(issue.headers['x-refused'], '409');
    assert.match((await c.get(itemUrl)).body, /Nicht genug Bestand/);
    await checkLowStock(db());
    assert.match((await c.get(erpPaths.home)).body, /Unter Mindestbestand[\s\S]*B-8 – Bohrer 8 mm: Bestand 3, Mindestbestand 5/);
    await c.post(erpPaths.itemMovements(item!.id), { kind: 'receipt', quantity: '10', note: 'Lieferschein 42' });
    const detail = await c.get(itemUrl);
    assert.match(detail.body, /id="erp-stock">13</);
    assert.match(detail.body, /Lieferschein 42/);

    const csv = await c.get(erpPaths.export(customer.id));
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-disposition']), /artikel-Werkstatt_KG\.csv/);
    assert.match(csv.body, /B-8,Bohrer 8 mm,4\.99,EUR,,13,5,nein/);
    const refused = await upload(c, erpPaths.import(customer.id), 'sku,description,price\nN-1,,1\nN-2,Zwinge,x');
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Import abgelehnt/);
    assert.match(refused.body, /<td>2<\/td><td>description<\/td>/);
    assert.match(refused.body, /<td>3<\/td><td>price<\/td>/);
    assert.equal((await itemsOfCustomer(db(), customer.id)).length, 1);
    const imported = await upload(c, erpPaths.import(customer.id), 'sku;description;price;quantity\nN-2;Zwinge;"12,50";2\nB-8;Bohrer 8 mm;4,99;20');
    assert.equal(imported.statusCode, 303);
    assert.match((await c.get(erpPaths.home)).body, /Import abgeschlossen: 1 neu, 1 geändert, 2 Bestandsänderungen/);
    assert.equal((await getItem(db(), item!.id))!.quantity_available, 20);
  });

  it('people who are not customer managers of that customer get no ERP: no-role page, 403 on another customer’s item', async () => {
    const customer = await createCustomer(db(), { name: 'Eigene GmbH' });
    const other = await createCustomer(db(), { name: 'Fremde GmbH' });
    const manager = await person(db(), { customerId: other.id, roles: { customer_manager: [] } });
    const hr = await person(db(), { customerId: customer.id, roles: { employee_manager: ['can_add_new_employee'] } });
    const m = await client(manager.userId);
    await m.post(erpPaths.items(other.id), { sku: 'F-1', description: 'Fremd', price: '1' });
    const [foreign] = await itemsOfCustomer(db(), other.id);
    const h2 = await client(hr.userId);
    const noRole = await h2.get(erpPaths.home);
    assert.equal(noRole.statusCode, 403);
    assert.doesNotMatch(noRole.body, /href="\/nadooit-os\/erp\/"/, 'no ERP entry in the navigation without the role');
    assert.equal((await h2.get(erpPaths.item(foreign!.id))).statusCode, 403);
    assert.equal((await h2.post(erpPaths.items(customer.id), { sku: 'X', description: 'x', price: '1' })).statusCode, 403);
    assert.equal((await h2.get(erpPaths.export(other.id))).statusCode, 403);
    assert.equal((await itemsOfCustomer(db(), customer.id)).length, 0);
  });
});
