import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { createCustomer } from '../../app/nadooit_crm/services.js';
import { bookingWorld } from '../../app/nadooit_api_executions_system/testing/fixtures.js';
import type { BookingWorld } from '../../app/nadooit_api_executions_system/testing/fixtures.js';
import { insertSyntheticExecutions } from '../../app/nadooit_api_executions_system/testing/bulk.js';
import { periodStart } from '../../app/core/admin/periods.js';
import { useFixedClock } from '../support/clock.js';
import { describeEachBackend } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import type { TestClient } from '../support/http.js';
import { createStaff, listedIds, staffLogin } from './admin-support.js';

const EXECUTIONS = '/admin/nadooit_api_executions_system/executions/';
// The "today" filter means the day of this instant, whenever the test runs.
const NOW = useFixedClock();

/** The href of a pagination link by its label. */
function pageLink(html: string, label: string): string | null {
  const match = new RegExp(`<a class="page-link" href="([^"]+)"(?: rel="\\w+")?>${label}</a>`).exec(html);
  return match && match[1] !== '#' ? match[1]!.replaceAll('&amp;', '&') : null;
}

/** A customer with 130 bookings of January and February 2025, and a superuser signed in to the admin. */
async function listWorld(h: () => Harness): Promise<{ world: BookingWorld; client: TestClient }> {
  const db = h().system.context.db.kysely;
  const world = await bookingWorld(db);
  await insertSyntheticExecutions(db, world, { count: 130, from: new Date('2025-01-01T00:00:00Z'), to: new Date('2025-03-01T00:00:00Z') });
  const client = await staffLogin(await h().app(), await createStaff(db, h().settings, { superuser: true }));
  return { world, client };
}

describeEachBackend('admin lists', (h) => {
  const db = () => h().system.context.db.kysely;
  // Read-only for the tests that use it: these count the whole table, so nothing here adds bookings.
  let world: BookingWorld;
  let client: TestClient;
  before(async () => {
    ({ world, client } = await listWorld(h));
  });

  it('pages through a list by keyset, forwards and backwards, without gaps or repeats', async () => {
    const expected = (await db().selectFrom('ex_executions').select('id').orderBy('created_at', 'desc').orderBy('id', 'desc').execute()).map((r) => r.id);
    const pages: string[][] = [];
    let url: string | null = `${EXECUTIONS}?n=50`;
    const bodies: string[] = [];
    while (url) {
      const response = await client.get(url);
      assert.equal(response.statusCode, 200);
      pages.push(listedIds(response.body));
      bodies.push(response.body);
      url = pageLink(response.body, 'Weiter');
    }
    assert.deepEqual(pages.map((p) => p.length), [50, 50, 30]);
    assert.deepEqual(pages.flat(), expected);
    assert.match(bodies[0]!, /130 Einträge/);
    const back = await client.get(pageLink(bodies[2]!, 'Zurück')!);
    assert.deepEqual(listedIds(back.body), pages[1]);
    const last = await client.get(pageLink(bodies[0]!, 'Ende')!);
    assert.deepEqual(listedIds(last.body), expected.slice(-50));
    assert.equal(pageLink(last.body, 'Weiter'), null);
    const ascending = await client.get(`${EXECUTIONS}?n=50&o=created_at`);
    assert.deepEqual(listedIds(ascending.body), [...expected].reverse().slice(0, 50));
  });

  it('exports the filtered list as CSV, streamed with every matching row', async () => {
    const response = await client.get(`${EXECUTIONS}export.csv?f.customer_id=${world.customerId}`);
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-disposition']), /attachment; filename="nadooit_api_executions_system-executions-\d{4}-\d\d-\d\d\.csv"/);
    const lines = response.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(lines.length, 1 + 130);
    assert.match(lines[0]!, /^ID,Gebucht,Kunde,Programm/);
    assert.match(lines[1]!, /Müller Logistik GmbH,Rechnungseingang automatisiert/);
  });

  it('remembers the chosen columns per user session', async () => {
    const client = await staffLogin(await h().app(), await createStaff(db(), h().settings, { superuser: true }));
    const chosen = await client.get(`${EXECUTIONS}?setcols=1&cols=created_at&cols=billable_seconds&cols=payment_status`);
    const header = /<thead>([\s\S]*?)<\/thead>/.exec(chosen.body)![1]!;
    assert.match(header, /Berechnete Zeit/);
    assert.doesNotMatch(header, /Kunde/);
    const again = await client.get(EXECUTIONS);
    assert.match(/<thead>([\s\S]*?)<\/thead>/.exec(again.body)![1]!, /Berechnete Zeit/);
  });

  it('answers relation searches with a few options (htmx autocomplete)', async () => {
    for (let i = 0; i < 25; i++) await createCustomer(db(), { name: `Suchkunde ${String(i).padStart(2, '0')}` });
    const response = await client.get('/admin/nadooit_crm/customers/autocomplete?term=suchkunde%202', { 'hx-request': 'true' });
    assert.equal(response.statusCode, 200);
    const options = [...response.body.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((m) => m[2]);
    const expected = Array.from({ length: 25 }, (_, i) => `Suchkunde ${String(i).padStart(2, '0')}`).filter((n) => n.slice(10).includes('2'));
    assert.deepEqual(options, ['––––––', ...expected], 'every word must match, ordered like the list');
    const all = await client.get('/admin/nadooit_crm/customers/autocomplete?term=suchkunde');
    assert.equal([...all.body.matchAll(/<option /g)].length, 21, 'at most 20 matches');
    const form = await client.get('/admin/nadooit_program_ownership_system/customer_programs/add');
    assert.match(form.body, /hx-get="\/admin\/nadooit_crm\/customers\/autocomplete"/);
  });
});

// Tests that add bookings get a database of their own, so the counts above stay exact.
describeEachBackend('admin lists: filters and search', (h) => {
  const db = () => h().system.context.db.kysely;

  it('filters by choice, relation and period, searches through relations, and keeps the state in the links', async () => {
    const { client } = await listWorld(h);
    const paid = (await db().selectFrom('ex_executions').select('id').where('payment_status', '=', 'PAID').execute()).length;
    const filtered = await client.get(`${EXECUTIONS}?f.payment_status=PAID&n=500`);
    assert.equal(listedIds(filtered.body).length, paid);
    assert.match(filtered.body, new RegExp(`${paid} Einträge`));
    const other = await bookingWorld(db(), { customerName: 'Zweite Kunde AG' });
    const startOfToday = new Date(periodStart('today', h().settings.timeZone));
    await insertSyntheticExecutions(db(), other, { count: 7, from: startOfToday, to: new Date(NOW.getTime() + 1) });
    const byCustomer = await client.get(`${EXECUTIONS}?f.customer_id=${other.customerId}`);
    assert.equal(listedIds(byCustomer.body).length, 7);
    const today = await client.get(`${EXECUTIONS}?f.created_at=today`);
    assert.equal(listedIds(today.body).length, 7, 'the synthetic rows of 2025 are not from today');
    const searched = await client.get(`${EXECUTIONS}?q=zweite`);
    assert.equal(listedIds(searched.body).length, 7, 'search follows the relation to the customer name');
    const exact = await client.get(`${EXECUTIONS}?q=${listedIds(byCustomer.body)[0]}`);
    assert.equal(listedIds(exact.body).length, 1);
    const byCustomerId = await client.get(`${EXECUTIONS}?q=${other.customerId}`);
    assert.equal(listedIds(byCustomerId.body).length, 7, "a related row's id finds the rows pointing at it");
    const nothing = await client.get(`${EXECUTIONS}?q=gibt-es-nicht`);
    assert.equal(listedIds(nothing.body).length, 0);
    assert.match(nothing.body, /Keine Einträge gefunden/);
    const combined = await client.get(`${EXECUTIONS}?f.payment_status=PAID&q=m%C3%BCller&n=20`);
    const next = pageLink(combined.body, 'Weiter')!;
    assert.match(next, /f\.payment_status=PAID/);
    assert.match(next, /q=m%C3%BCller|q=müller/);
    const objectCursor = Buffer.from(JSON.stringify([{ a: 1 }, 'x'])).toString('base64url');
    assert.equal((await client.get(`${EXECUTIONS}?after=${objectCursor}`)).statusCode, 200);
    const wrongType = Buffer.from(JSON.stringify(['gestern', '00000000-0000-4000-8000-000000000000'])).toString('base64url');
    const shifted = await client.get(`${EXECUTIONS}?after=${wrongType}&n=5`);
    assert.equal(shifted.statusCode, 200, 'a cursor of the wrong type shows the first page');
    assert.equal(listedIds(shifted.body).length, 5);
    const tampered = await client.get(`${EXECUTIONS}?after=not-a-cursor&f.payment_status=bogus&o=-password_hash`);
    assert.equal(tampered.statusCode, 200, 'bad parameters fall back to defaults');
  });
});

describeEachBackend('admin lists on a big table', (h) => {
  const db = () => h().system.context.db.kysely;

  it('counts only up to a cap on big tables', async () => {
    const { world, client } = await listWorld(h);
    await insertSyntheticExecutions(db(), world, { count: 10_000, from: new Date('2024-01-01T00:00:00Z'), to: new Date('2024-12-01T00:00:00Z'), batch: 500 });
    const response = await client.get(`${EXECUTIONS}?n=10`);
    assert.match(response.body, /mehr als 10\.000 Einträge/);
    assert.equal(listedIds(response.body).length, 10);
    const filtered = await client.get(`${EXECUTIONS}?n=10&f.customer_id=${world.customerId}`);
    assert.match(filtered.body, /mehr als 1\.000 Einträge/, 'filtered and searched lists count to a lower cap');
  });
});
