import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useFixedClock } from '../../test/support/clock.js';
import { describeEachBackend } from '../../test/support/harness.js';
import type { DB } from '../core/db/connection.js';
import { listExecutions, sumExecutions, uuidPrefixRange } from '../nadooit_api_executions_system/services/queries.js';
import { shortId } from '../core/ids.js';
import type { BookingWorld } from '../nadooit_api_executions_system/testing/fixtures.js';
import { createProgram } from '../nadooit_program/services.js';
import { createCustomerProgram } from '../nadooit_program_ownership_system/services.js';
import { setLowBalanceThreshold } from '../nadooit_time_account/services.js';
import { customerTimeAccounts } from '../nadooit_time_account/services.js';
import { DEFAULT_QUERY, parseBookingQuery } from './booking-query.js';
import type { BookingQuery } from './booking-query.js';
import { bookingBlock } from './bookings.js';
import { changePercent, monthComparison } from './month-comparison.js';
import { paths } from './paths.js';
import { clientAs } from './testing/session.js';
import { book, dashboardWorld } from './testing/world.js';

const STAFF = { actorUserId: null, asStaff: true } as const;
// 2025-06-18 12:00 in Berlin: "this month" is June, "last month" May.
const NOW = useFixedClock();
const BERLIN = 'Europe/Berlin';
const at = (iso: string) => new Date(iso);

/** A second program for the customer of `world`, booked at the given instants. */
async function secondProgram(db: DB, world: BookingWorld, instants: Date[]) {
  const program = await createProgram(db, { name: 'Mahnwesen', description: 'Test' });
  const cp = await createCustomerProgram(db, { ...STAFF, customerId: world.customerId, programId: program.id, pricePerSecondMicros: 20_000 });
  const ids = await book(db, { ...world, customerProgramId: cp.id }, instants, 300);
  return { programId: program.id, ids };
}

describe('booking query parameters', () => {
  const t = (key: string) => key;
  it('reads a range, program, status and id; one date alone is that day', () => {
    const program = '6f1c8a2e-4b7d-4e0a-9c3f-2d5b8e7a1c04';
    const { query, errors } = parseBookingQuery({ from: '2025-05-01', to: '2025-05-31', program, status: 'PAID', q: ' 3F2A-9C ' }, t);
    assert.deepEqual(errors, {});
    assert.deepEqual(query, { filter: 'thismonth', from: '2025-05-01', to: '2025-05-31', programId: program, status: 'PAID', q: '3f2a-9c' });
    assert.deepEqual(parseBookingQuery({ to: '2025-02-03' }, t).query, { ...DEFAULT_QUERY, from: '2025-02-03', to: '2025-02-03' });
    assert.deepEqual(parseBookingQuery({}, t), { query: DEFAULT_QUERY, errors: {} });
  });

  it('turns every malformed value into a field error and leaves it out', () => {
    const { query, errors } = parseBookingQuery({ from: '2025-02-30', to: 'gestern', program: '42', status: 'BEZAHLT', q: 'xyz', filter: 'forever' }, t);
    assert.deepEqual(Object.keys(errors).sort(), ['filter', 'from', 'program', 'q', 'status', 'to']);
    assert.deepEqual(query, DEFAULT_QUERY);
    assert.deepEqual(parseBookingQuery({ from: '2025-06-02', to: '2025-06-01' }, t).errors, { to: ['os.bookings.error.order'] });
    assert.deepEqual(parseBookingQuery({ from: '2015-01-01', to: '2025-06-01' }, t).errors, { to: ['os.bookings.error.long'] });
    assert.deepEqual(parseBookingQuery({ from: ['2025-01-01'] }, t).query, DEFAULT_QUERY, 'repeated parameters are not strings');
  });

  it('maps an id prefix onto one range of UUIDs, dashes optional', () => {
    assert.deepEqual(uuidPrefixRange('3F2A9C1E-4b'), { low: '3f2a9c1e-4b00-0000-0000-000000000000', high: '3f2a9c1e-4bff-ffff-ffff-ffffffffffff' });
    assert.deepEqual(uuidPrefixRange('3f2a9c1e4b'), uuidPrefixRange('3f2a9c1e-4b'));
    assert.equal(uuidPrefixRange('3f2g'), null);
    assert.equal(uuidPrefixRange(''), null);
    assert.equal(uuidPrefixRange('0'.repeat(33)), null);
  });

  it('gives the change in whole percent, none without a base', () => {
    assert.equal(changePercent(3, 2), 50);
    assert.equal(changePercent(1, 3), -67);
    assert.equal(changePercent(5, 0), null);
  });
});

describeEachBackend('NADOOIT OS booking filters', (h) => {
  const db = () => h().system.context.db.kysely;
  const client = async (userId: string) => clientAs(await h().app(), db(), h().settings, userId);
  const customerOf = (w: { a: BookingWorld }) => ({ id: w.a.customerId, name: 'A', time_zone: BERLIN });
  const query = (q: Partial<BookingQuery>): BookingQuery => ({ ...DEFAULT_QUERY, ...q });

  it('filters by range, program, status and id; the sums and the chart follow the filter', async () => {
    const w = await dashboardWorld(db(), { now: NOW });
    const [may] = await book(db(), w.a, [at('2025-05-20T08:00:00.000Z')]);
    const second = await secondProgram(db(), w.a, [at('2025-06-10T08:00:00.000Z'), at('2025-06-11T08:00:00.000Z')]);
    const customer = customerOf(w);

    const month = await bookingBlock(db(), customer, query({}), { now: NOW });
    assert.equal(month.count, 5);
    assert.equal(month.chart.unit, 'day');
    assert.equal(month.chart.points.length, 30);

    const program = await bookingBlock(db(), customer, query({ programId: second.programId }), { now: NOW });
    assert.deepEqual(new Set(program.rows.map((r) => r.id)), new Set(second.ids));
    assert.deepEqual([program.count, program.totals.seconds, program.totals.price], [2, 600, { EUR: 12_000_000 }]);

    const range = await bookingBlock(db(), customer, query({ from: '2025-05-01', to: '2025-05-31' }), { now: NOW });
    assert.deepEqual(range.rows.map((r) => r.id), [may]);
    assert.equal(range.period.filter, 'range');
    assert.equal(range.chart.points.length, 31);
    const half = await bookingBlock(db(), customer, query({ from: '2025-01-01', to: '2025-06-30' }), { now: NOW });
    assert.deepEqual([half.count, half.chart.unit, half.chart.points.length], [6, 'month', 6]);

    assert.equal((await bookingBlock(db(), customer, query({ status: 'PAID' }), { now: NOW })).count, 0);
    assert.equal((await bookingBlock(db(), customer, query({ status: 'NOT_PAID' }), { now: NOW })).count, 5);

    const target = w.bookingsA[1]!;
    // Booking ids are UUIDv7 (time first): a prefix must reach past the timestamp and counter to name one booking.
    for (const q of [target, target.slice(0, 23).toUpperCase(), target.replace(/-/g, '').slice(0, 20)]) {
      const found = await bookingBlock(db(), customer, query({ q, filter: 'thisyear' }), { now: NOW });
      assert.deepEqual(found.rows.map((r) => r.id), [target], q);
      assert.equal(found.count, 1);
    }
    // B's bookings stay out even when searched by id.
    assert.equal((await bookingBlock(db(), customer, query({ q: w.bookingsB[0]! }), { now: NOW })).count, 0);
    // A program the customer does not hold finds nothing (B's program).
    assert.equal((await bookingBlock(db(), customer, query({ programId: w.b.programId }), { now: NOW })).count, 0);
  });

  it('lists and sums by id prefix in the executions service, paged', async () => {
    const w = await dashboardWorld(db(), { now: NOW });
    const scope = { customerIds: [w.a.customerId] };
    const target = w.bookingsA[0]!;
    const page = await listExecutions(db(), { ...scope, idPrefix: target.slice(0, 23) }, { limit: 1 });
    assert.deepEqual(page.items.map((r) => r.id), [target]);
    assert.equal((await sumExecutions(db(), { ...scope, idPrefix: target })).count, 1);
    assert.equal((await sumExecutions(db(), { ...scope, idPrefix: 'not hex' })).count, 0);
    for (const id of w.bookingsA.slice(0, 3)) {
      assert.deepEqual((await listExecutions(db(), { ...scope, idPrefix: shortId(id) })).items.map((r) => r.id), [id], 'the short id a page shows finds its booking');
    }
  });

  it('compares this month with last month, whole and up to the same day', async () => {
    const w = await dashboardWorld(db(), { now: NOW });
    await book(db(), w.a, [at('2025-05-10T08:00:00.000Z'), at('2025-05-12T08:00:00.000Z'), at('2025-05-25T08:00:00.000Z'), at('2025-04-30T08:00:00.000Z')]);
    const c = await monthComparison(db(), customerOf(w), NOW);
    assert.equal(c.day, 18);
    assert.deepEqual([c.thisMonth.count, c.lastMonth.count, c.lastMonthSoFar.count], [3, 3, 2]);
    assert.deepEqual([c.thisMonth.seconds, c.lastMonthSoFar.seconds], [1800, 1200]);
    assert.deepEqual(c.thisMonth.price, { EUR: 18_000_000 });
    assert.deepEqual(c.thisMonth.open, { EUR: 18_000_000 });
  });

  it('answers bad parameters with field errors (400), never a server error', async () => {
    const w = await dashboardWorld(db(), { now: NOW });
    const c = await client(w.executions.userId);
    const cases: Array<[string, RegExp]> = [
      ['from=2025-13-45', /Bitte ein gültiges Datum angeben/],
      ['from=2025-06-10&to=2025-06-01', /Das Enddatum liegt vor dem Anfangsdatum/],
      ['from=2000-01-01&to=2025-06-01', /Höchstens 1830 Tage/],
      ['program=abc', /Unbekanntes Programm/],
      ['status=OPEN', /Unbekannter Status/],
      ['q=%3Cscript%3E', /Eine Buchungs-ID besteht aus/],
    ];
    for (const [qs, message] of cases) {
      const page = await c.get(`${paths.bookings}?${qs}`);
      assert.equal(page.statusCode, 400, qs);
      assert.match(page.body, message, qs);
      assert.match(page.body, /is-invalid/, qs);
      assert.doesNotMatch(page.body, /<script>/, qs);
      // The page still shows the bookings (of the default period).
      assert.match(page.body, new RegExp(`execution-${w.bookingsA[0]}`), qs);
    }
    const fragment = await c.get(`${paths.bookingsFragment('thismonth', w.a.customerId)}?from=kaputt`, { 'hx-request': 'true' });
    assert.equal(fragment.statusCode, 400);
    const badExport = await c.get(`${paths.bookingsExport('thismonth', w.a.customerId)}?status=nope`);
    assert.equal(badExport.statusCode, 400);
  });

  it('shows this month by default, the range in the date inputs, and carries the filter into links and the CSV export', async () => {
    const w = await dashboardWorld(db(), { now: NOW });
    const second = await secondProgram(db(), w.a, [at('2025-06-10T08:00:00.000Z')]);
    const c = await client(w.executions.userId);
    const plain = await c.get(paths.bookings);
    assert.equal(plain.statusCode, 200);
    assert.match(plain.body, new RegExp(`id="bookings-${w.a.customerId}"[^>]*data-filter="thismonth"`));
    assert.match(plain.body, /id="filter-from" name="from" value="2025-06-01"/);
    assert.match(plain.body, /id="filter-to" name="to" value="2025-06-30"/);
    assert.match(plain.body, /Summe · Anzahl: 4/);

    const page = await c.get(`${paths.bookings}?from=2025-06-01&to=2025-06-30&program=${second.programId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`execution-${second.ids[0]}`));
    assert.doesNotMatch(page.body, new RegExp(`execution-${w.bookingsA[0]}`));
    assert.match(page.body, new RegExp(`<option value="${second.programId}" selected`));
    assert.match(page.body, /Summe · Anzahl: 1/);
    const link = /class="btn btn-sm btn-outline-primary csv-export" href="([^"]+)"/.exec(page.body)![1]!.replaceAll('&amp;', '&');
    assert.match(link, new RegExp(`program=${second.programId}`));
    const csv = await c.get(link);
    assert.equal(csv.statusCode, 200);
    assert.match(csv.body, new RegExp(second.ids[0]!));
    for (const id of w.bookingsA) assert.doesNotMatch(csv.body, new RegExp(id));

    const byId = await c.get(`${paths.bookings}?filter=thisyear&q=${w.bookingsA[2]!.slice(0, 23)}`);
    const rows = [...byId.body.matchAll(/id="execution-([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(rows, [w.bookingsA[2]]);
    const idCsv = /csv-export" href="([^"]+)"/.exec(byId.body)![1]!.replaceAll('&amp;', '&');
    const idLines = (await c.get(idCsv)).body.trim().split(/\r?\n/);
    assert.equal(idLines.length, 2, 'header and the one booking');
    // The other customer's bookings are not reachable through the filter either.
    const foreign = await c.get(`${paths.bookingsFragment('thismonth', w.b.customerId)}?q=${w.bookingsB[0]}`, { 'hx-request': 'true' });
    assert.equal(foreign.statusCode, 403);
  });

  it('warns of a low balance on the start page and the ledger page, and shows the month comparison', async () => {
    const w = await dashboardWorld(db(), { now: NOW });
    await book(db(), w.a, [at('2025-05-05T08:00:00.000Z')]);
    const [account] = await customerTimeAccounts(db(), w.a.customerId);
    const c = await client(w.boss.userId);
    const calm = await c.get(paths.home);
    assert.doesNotMatch(calm.body, /Niedriger Kontostand/);
    assert.match(calm.body, /data-figure="count"[\s\S]*?this-month"><span>3<\/span><span class="month-change month-change-up small ms-1"[^>]*>▲ 200 %<\/span>[\s\S]*?last-month">1</);
    await setLowBalanceThreshold(db(), { ...STAFF, customerTimeAccountId: account!.customerTimeAccountId, seconds: 3600 });
    const home = await c.get(paths.home);
    assert.match(home.body, new RegExp(`data-account-id="${account!.timeAccountId}"[\\s\\S]*?Niedriger Kontostand[\\s\\S]*?liegt unter der Warnschwelle \\(1 h 00 min\\)`));
    const ledger = await c.get(paths.timeAccount(account!.timeAccountId));
    assert.match(ledger.body, /liegt unter der Warnschwelle \(1 h 00 min\)/);
    const overview = await c.get(paths.timeAccounts);
    assert.match(overview.body, /liegt unter der Warnschwelle/);
  });
});
