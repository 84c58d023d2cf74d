import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { apiKeyFor } from '../nadooit_api_executions_system/testing/fixtures.js';
import { updateCustomer } from '../nadooit_crm/services.js';
import { paths } from './paths.js';
import { clientAs } from './testing/session.js';
import { dashboardWorld } from './testing/world.js';
import type { DashboardWorld } from './testing/world.js';

/** The bookings are made at fixed instants around New Year (UTC), so local dates differ from UTC ones. */
const AT = new Date('2024-12-31T23:30:05.000Z');
const HEADER = ['id', 'Programmname', 'erspaarte Zeit', 'Preis', 'Erstellt', 'Status'];

/**
 * Issue 16 #10: the bookings CSV opens correctly in a German spreadsheet by default for German readers (UTF-8
 * BOM, `;`, decimal comma, wall-clock time in the customer's zone); `?format=standard` keeps the machine
 * format (`,`, decimal point, ISO UTC), which stays the default of English readers and of the REST API.
 */
describeEachBackend('bookings CSV formats', (h) => {
  const db = () => h().system.context.db.kysely;
  let w: DashboardWorld;
  before(async () => {
    w = await dashboardWorld(db(), { now: AT });
  });
  const exportOf = async (query = '', headers: Record<string, string> = {}) => {
    const c = await clientAs(await h().app(), db(), h().settings, w.executions.userId);
    return c.get(`${paths.bookingsExport('last20', w.a.customerId)}${query}`, headers);
  };

  it('German readers get the spreadsheet format without asking', async () => {
    for (const response of [await exportOf(), await exportOf('?format=spreadsheet', { 'accept-language': 'en' })]) {
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^text\/csv; charset=utf-8/);
      assert.equal(response.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 byte-order mark');
      const lines = response.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
      assert.equal(lines[0], HEADER.join(';'));
      assert.equal(lines.length, 1 + w.bookingsA.length);
      // 600 s at 0,01 €/s; 2024-12-31 23:30:04 UTC is 00:30:04 on New Year's Day in Berlin.
      assert.ok(lines.includes(`${w.bookingsA[0]};Rechnungseingang automatisiert;600;6,000000;01.01.2025 00:30:04;NOT_PAID`), lines.join('\n'));
    }
  });

  it('?format=standard (and English readers by default) get commas, decimal points and ISO UTC', async () => {
    for (const response of [await exportOf('?format=standard'), await exportOf('', { 'accept-language': 'en' })]) {
      assert.equal(response.statusCode, 200);
      assert.notEqual(response.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf', 'no byte-order mark');
      const lines = response.body.trimEnd().split('\r\n');
      assert.equal(lines[0], HEADER.join(','));
      assert.ok(lines.includes(`${w.bookingsA[0]},Rechnungseingang automatisiert,600,6.000000,2024-12-31T23:30:04.000Z,NOT_PAID`), lines.join('\n'));
    }
  });

  it('an unknown format is refused, not guessed', async () => {
    assert.equal((await exportOf('?format=xlsx')).statusCode, 400);
  });

  it("local time is the customer's configured zone, and a `;` inside a name is quoted", async () => {
    const w2 = await dashboardWorld(db(), { now: AT });
    await updateCustomer(db(), w2.a.customerId, { timeZone: 'America/New_York' });
    const c = await clientAs(await h().app(), db(), h().settings, w2.executions.userId);
    const body = (await c.get(paths.bookingsExport('last20', w2.a.customerId))).body;
    assert.match(body, new RegExp(`${w2.bookingsA[0]};[^\\r]*;31\\.12\\.2024 18:30:04;`));
  });

  it('the REST API keeps the standard format unless asked', async () => {
    const key = (await apiKeyFor(db(), w.executions.userId)).secret;
    const app = await h().app();
    const get = (query: string) => app.inject({ method: 'GET', url: `/api/v1/executions/export.csv?customer=${w.a.customerId}${query}`, headers: { authorization: `Bearer ${key}`, 'accept-language': 'de' } });
    const standard = await get('');
    assert.equal(standard.statusCode, 200);
    assert.ok(standard.body.startsWith(`${HEADER.join(',')}\r\n`));
    const spreadsheet = await get('&format=spreadsheet');
    assert.ok(spreadsheet.body.startsWith(`\uFEFF${HEADER.join(';')}\r\n`));
    assert.match(spreadsheet.body, /;6,000000;01\.01\.2025 00:30:0\d;/);
    assert.equal((await get('&format=xlsx')).statusCode, 400);
  });
});
