import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { Conflict, InvalidInput, NotFound, PermissionDenied } from '../core/errors.js';
import { giveRole, makeCustomer, makeUser } from '../nadooit_hr/testing.js';
import type { TestUser } from '../nadooit_hr/testing.js';
import {
  CsvImportRefused,
  checkLowStock,
  createItem,
  exportItemsCsv,
  getItem,
  importItemsCsv,
  itemsOfCustomer,
  moveStock,
  openAlerts,
  stockMovements,
  updateItem,
  verifyStock,
} from './services/index.js';

const HEADER = 'sku,description,price,currency,condition,quantity,minimum_quantity,allow_negative,location,delivery_options,link,img_link';

describeEachBackend('ERP services', (h) => {
  const db = () => h().system.context.db.kysely;
  async function world(): Promise<{ customerId: string; manager: TestUser; as: { actorUserId: string } }> {
    const customerId = await makeCustomer(db());
    const manager = await makeUser(db());
    await giveRole(db(), manager, customerId, 'customer_manager', []);
    return { customerId, manager, as: { actorUserId: manager.id } };
  }
  const fields = (extra: Record<string, string> = {}) => ({ sku: 'A-1', description: 'Schraube M4', price: '0,125', condition: 'neu', minimum_quantity: '5', ...extra });

  it('a customer manager creates an item with an exact price; the opening stock is its first movement', async () => {
    const w = await world();
    const item = await createItem(db(), { ...w.as, customerId: w.customerId, fields: fields({ quantity: '12' }) });
    assert.equal(item.price_micro, 125_000);
    assert.equal(item.quantity_available, 12);
    assert.deepEqual((await stockMovements(db(), item.id)).map((m) => [m.kind, m.quantity, m.quantity_after]), [['opening', 12, 12]]);
    await assert.rejects(createItem(db(), { ...w.as, customerId: w.customerId, fields: fields() }), (e: InvalidInput) => e instanceof InvalidInput && /sku/.test(e.message));
    const bad = await createItem(db(), { ...w.as, customerId: w.customerId, fields: fields({ sku: 'B', price: '1,2345678', link: 'javascript:alert(1)', quantity: '-1' }) }).catch((e) => e);
    assert.ok(bad instanceof InvalidInput);
    assert.deepEqual((bad.details as Array<{ field: string }>).map((d) => d.field).sort(), ['link', 'price', 'quantity']);
  });

  it('only the customer’s own customer managers (active contract) manage its items; other roles and customers are refused', async () => {
    const w = await world();
    const other = await world();
    const item = await createItem(db(), { ...w.as, customerId: w.customerId, fields: fields() });
    const hrOnly = await makeUser(db());
    await giveRole(db(), hrOnly, w.customerId, 'employee_manager', ['can_add_new_employee']);
    await assert.rejects(createItem(db(), { actorUserId: hrOnly.id, customerId: w.customerId, fields: fields({ sku: 'X' }) }), PermissionDenied);
    await assert.rejects(moveStock(db(), { ...other.as, itemId: item.id, kind: 'receipt', quantity: 1 }), PermissionDenied);
    await assert.rejects(updateItem(db(), { ...other.as, itemId: item.id, fields: fields() }), PermissionDenied);
    await assert.rejects(exportItemsCsv(db(), { ...other.as, customerId: w.customerId }), PermissionDenied);
    await assert.rejects(moveStock(db(), { ...w.as, itemId: '00000000-0000-4000-8000-000000000000', kind: 'receipt', quantity: 1 }), NotFound);
  });

  it('stock = Σ movements; issues never take the stock below zero unless the item allows it', async () => {
    const w = await world();
    const item = await createItem(db(), { ...w.as, customerId: w.customerId, fields: fields({ quantity: '3' }) });
    await moveStock(db(), { ...w.as, itemId: item.id, kind: 'receipt', quantity: 4, note: 'Lieferung 17' });
    await moveStock(db(), { ...w.as, itemId: item.id, kind: 'issue', quantity: 6 });
    await assert.rejects(moveStock(db(), { ...w.as, itemId: item.id, kind: 'issue', quantity: 2 }), Conflict);
    await assert.rejects(moveStock(db(), { ...w.as, itemId: item.id, kind: 'issue', quantity: -2 }), InvalidInput);
    await assert.rejects(moveStock(db(), { ...w.as, itemId: item.id, kind: 'adjustment', quantity: -1 }), InvalidInput, 'an adjustment needs a reason');
    await moveStock(db(), { ...w.as, itemId: item.id, kind: 'adjustment', quantity: -1, note: 'Inventur' });
    assert.equal((await getItem(db(), item.id))!.quantity_available, 0);
    assert.deepEqual((await stockMovements(db(), item.id)).map((m) => m.quantity).reverse(), [3, 4, -6, -1]);
    await updateItem(db(), { ...w.as, itemId: item.id, fields: fields({ allow_negative: 'ja' }) });
    await moveStock(db(), { ...w.as, itemId: item.id, kind: 'issue', quantity: 2 });
    assert.equal((await getItem(db(), item.id))!.quantity_available, -2);
    await assert.rejects(updateItem(db(), { ...w.as, itemId: item.id, fields: fields({ allow_negative: 'nein' }) }), Conflict);
    assert.deepEqual(await verifyStock(db()), []);
  });

  it('parallel issues never sell the same pieces twice', async () => {
    const w = await world();
    const item = await createItem(db(), { ...w.as, customerId: w.customerId, fields: fields({ quantity: '10' }) });
    const results = await Promise.allSettled(Array.from({ length: 16 }, () => moveStock(db(), { ...w.as, itemId: item.id, kind: 'issue', quantity: 1 })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 10);
    for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof Conflict, String(r.reason));
    assert.equal((await getItem(db(), item.id))!.quantity_available, 0);
    assert.deepEqual(await verifyStock(db()), []);
  });

  it('the low-stock job raises one alert per short item, keeps it while short and resolves it after a receipt', async () => {
    const w = await world();
    const short = await createItem(db(), { ...w.as, customerId: w.customerId, fields: fields({ quantity: '2' }) });
    await createItem(db(), { ...w.as, customerId: w.customerId, fields: fields({ sku: 'OK', quantity: '9' }) });
    await checkLowStock(db());
    await checkLowStock(db());
    const alerts = await openAlerts(db(), w.customerId);
    assert.deepEqual(alerts.map((a) => [a.sku, a.quantity, a.minimum_quantity]), [['A-1', 2, 5]]);
    await moveStock(db(), { ...w.as, itemId: short.id, kind: 'receipt', quantity: 3 });
    await checkLowStock(db());
    assert.deepEqual(await openAlerts(db(), w.customerId), []);
  });

  it('CSV export then import round-trips; an import updates by article number and books stock differences as movements', async () => {
    const w = await world();
    const item = await createItem(db(), { ...w.as, customerId: w.customerId, fields: fields({ quantity: '7', description: '=SUMME(A1), "Spezial"; lang' }) });
    let csv = '';
    for await (const chunk of await exportItemsCsv(db(), { ...w.as, customerId: w.customerId })) csv += chunk;
    assert.match(csv, /^sku,description,price/);
    assert.match(csv, /"'=SUMME\(A1\), ""Spezial""; lang"/);
    const changed = csv.replace(',7,5,', ',9,5,');
    const result = await importItemsCsv(db(), { ...w.as, customerId: w.customerId, csv: `${changed}B-2,Mutter,"1,50",EUR,gebraucht,4,0,nein,Regal 3,,,\r\n` });
    assert.deepEqual(result, { created: 1, updated: 1, movements: 2 });
    const again = (await getItem(db(), item.id))!;
    assert.equal(again.description, '=SUMME(A1), "Spezial"; lang');
    assert.equal(again.quantity_available, 9);
    assert.equal((await stockMovements(db(), item.id))[0]!.kind, 'import');
    const b = (await itemsOfCustomer(db(), w.customerId)).find((i) => i.sku === 'B-2')!;
    assert.deepEqual([b.price_micro, b.quantity_available, b.location], [1_500_000, 4, 'Regal 3']);
    assert.deepEqual(await verifyStock(db()), []);
  });

  it('an import with any bad row writes nothing and names every bad row and column', async () => {
    const w = await world();
    const item = await createItem(db(), { ...w.as, customerId: w.customerId, fields: fields({ quantity: '1' }) });
    const csv = [HEADER, 'A-1,Neu,2,EUR,neu,50,5,nein,,,,', 'C-3,,abc,EUR,neu,1,0,nein,,,,', 'A-1,doppelt,1,EUR,neu,1,0,nein,,,,', 'D-4,Teil,1,EURO,neu,-3,0,nein,,,,', 'E-5,zu kurz'].join('\n');
    const refused = await importItemsCsv(db(), { ...w.as, customerId: w.customerId, csv }).catch((e) => e);
    assert.ok(refused instanceof CsvImportRefused);
    assert.deepEqual(
      refused.errors.map((e: { row: number; field: string }) => `${e.row}:${e.field}`),
      ['3:description', '3:price', '4:sku', '5:currency', '5:quantity', '6:'],
    );
    const unchanged = (await getItem(db(), item.id))!;
    assert.deepEqual([unchanged.description, unchanged.quantity_available], ['Schraube M4', 1]);
    assert.equal((await itemsOfCustomer(db(), w.customerId)).length, 1);
    const header = await importItemsCsv(db(), { ...w.as, customerId: w.customerId, csv: 'sku,preis\nA,1' }).catch((e) => e);
    assert.deepEqual(header.errors.map((e: { field: string }) => e.field), ['preis', 'description', 'price']);
    const semicolons = await importItemsCsv(db(), { ...w.as, customerId: w.customerId, csv: 'sku;description;price\nZ-9;Zange;"12,99"' });
    assert.deepEqual(semicolons, { created: 1, updated: 0, movements: 0 });
  });
});
