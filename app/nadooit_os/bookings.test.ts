import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { useFixedClock } from '../../test/support/clock.js';
import { describeEachBackend } from '../../test/support/harness.js';
import { acceptComplaint, listComplaints, rejectComplaint, startComplaint } from '../nadoo_complaint_management/services.js';
import { executionById } from '../nadooit_api_executions_system/services/booking.js';
import { updateCustomer } from '../nadooit_crm/services.js';
import { bookingBlock } from './bookings.js';
import { paths } from './paths.js';
import { clientAs } from './testing/session.js';
import { book, dashboardWorld } from './testing/world.js';
import type { DashboardWorld } from './testing/world.js';

const STAFF = { actorUserId: null, asStaff: true } as const;
const HX = { 'hx-request': 'true' };
// "today", "this month" and "this year" are those of this instant, whenever the test runs.
const NOW = useFixedClock();

describeEachBackend('NADOOIT OS bookings', (h) => {
  const db = () => h().system.context.db.kysely;
  const client = async (userId: string) => clientAs(await h().app(), db(), h().settings, userId);
  /** Two customers with bookings just before NOW; tests that complain, book or change a customer make their own. */
  const world = () => dashboardWorld(db(), { now: NOW });

  // Read-only for the tests that use it.
  let w: DashboardWorld;
  before(async () => {
    w = await world();
    assert.equal(w.bookingsA.length, 3);
  });

  it('shows the execution manager only their own customer, with sums in §6.4 formats', async () => {
    const c = await client(w.executions.userId);
    const page = await c.get(`${paths.bookings}?filter=last20`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Übersicht der Buchungen/);
    assert.match(page.body, /Alpha Logistik GmbH/);
    assert.doesNotMatch(page.body, /Beta Bau AG/);
    for (const id of w.bookingsA) assert.match(page.body, new RegExp(`execution-${id}`));
    for (const id of w.bookingsB) assert.doesNotMatch(page.body, new RegExp(id));
    // 3 × 600 s at 0,01 €/s = 18 €, 30 minutes
    assert.match(page.body, /class="text-nowrap sum-time">30 min</);
    assert.match(page.body, /class="text-end text-nowrap sum-price">18,00 €</);
    assert.match(page.body, /6,00 €/);
    assert.match(page.body, /10 min/);
    assert.match(page.body, /<svg viewBox/);
  });

  it('switches tabs through htmx fragments scoped to the customer', async () => {
    const c = await client(w.executions.userId);
    for (const filter of ['today', 'thismonth', 'lastmonth', 'thisyear', 'last20']) {
      const fragment = await c.get(paths.bookingsFragment(filter as 'today', w.a.customerId), HX);
      assert.equal(fragment.statusCode, 200, filter);
      assert.doesNotMatch(fragment.body, /<html/);
      assert.match(fragment.body, new RegExp(`id="bookings-${w.a.customerId}"`));
      assert.match(fragment.body, new RegExp(`data-filter="${filter}"`));
      for (const id of w.bookingsB) assert.doesNotMatch(fragment.body, new RegExp(id));
    }
    const alias = await c.get(`/nadooit-os/customer-program-execution-filter-tabs/thisyear/${w.a.customerId}`, HX);
    assert.equal(alias.statusCode, 200);
  });

  it('refuses another customer (403), unknown customers and filters (404)', async () => {
    const c = await client(w.executions.userId);
    assert.equal((await c.get(paths.bookingsFragment('last20', w.b.customerId), HX)).statusCode, 403);
    assert.equal((await c.get(paths.bookingsFragment('last20', crypto.randomUUID()), HX)).statusCode, 404);
    assert.equal((await c.get(paths.bookingsFragment('last20', 'not-a-uuid'), HX)).statusCode, 404);
    assert.equal((await c.get(`/nadooit-os/customer-program-execution-list-for-cutomer/yesterday/${w.a.customerId}`, HX)).statusCode, 404);
    assert.equal((await c.get(paths.bookingsExport('thisyear', w.b.customerId))).statusCode, 403);
    assert.equal((await c.get(paths.bookingsExport('thisyear', crypto.randomUUID()))).statusCode, 404);
  });

  it('exports the current filter of the own customer as CSV (S4 fixed)', async () => {
    const c = await client(w.executions.userId);
    const csv = await c.get(`${paths.bookingsExport('thisyear', w.a.customerId)}?format=standard`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(String(csv.headers['content-disposition']), /attachment; filename="transactions-thisyear-/);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines[0], 'id,Programmname,erspaarte Zeit,Preis,Erstellt,Status');
    assert.equal(lines.length, 1 + w.bookingsA.length);
    for (const id of w.bookingsA) assert.ok(lines.some((l) => l.startsWith(`${id},Rechnungseingang automatisiert,600,6.000000,`)), id);
    for (const id of w.bookingsB) assert.doesNotMatch(csv.body, new RegExp(id));
    // The customer-scope also holds for the other customer's own manager.
    const other = await client(w.other.userId);
    const theirs = await other.get(paths.bookingsExport('last20', w.b.customerId));
    assert.equal(theirs.body.trim().split('\r\n').length, 1 + w.bookingsB.length);
    assert.equal((await other.get(paths.bookingsExport('last20', w.a.customerId))).statusCode, 403);
  });

  it('files a complaint through the workflow: "Storniert" only after acceptance', async () => {
    const w = await world();
    const c = await client(w.executions.userId);
    const [target] = w.bookingsA;
    const modal = await c.get(paths.complaintModal(target!), HX);
    assert.equal(modal.statusCode, 200);
    assert.match(modal.body, /Ausführung reklamieren/);
    assert.match(modal.body, /name="complainttext"/);

    const empty = await c.post(paths.sendComplaint(target!), { complainttext: '  ' }, HX);
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, /darf nicht leer sein/);

    const sent = await c.post(paths.sendComplaint(target!), { complainttext: 'Der Bot lief doppelt.' }, HX);
    assert.equal(sent.statusCode, 200);
    assert.match(String(sent.headers['hx-trigger']), /os-bookings-changed/);
    const filed = await executionById(db(), target!);
    assert.equal(filed!.payment_status, 'NOT_PAID');
    assert.equal(filed!.in_complaint, true);

    let fragment = await c.get(paths.bookingsFragment('last20', w.a.customerId), HX);
    const row = () => new RegExp(`id="execution-${target}"[\\s\\S]*?</tr>`).exec(fragment.body)![0];
    assert.match(row(), /Reklamation offen/);
    assert.match(row(), /data-status="NOT_PAID"/);
    assert.doesNotMatch(row(), /Storniert/);

    const again = await c.post(paths.sendComplaint(target!), { complainttext: 'Nochmal' }, HX);
    assert.equal(again.statusCode, 409);

    const [complaint] = await listComplaints(db(), { ...STAFF, executionId: target! });
    await startComplaint(db(), { ...STAFF, complaintId: complaint!.id });
    await acceptComplaint(db(), { ...STAFF, complaintId: complaint!.id, note: 'Doppelt gebucht' });
    fragment = await c.get(paths.bookingsFragment('last20', w.a.customerId), HX);
    assert.match(row(), /data-status="REVOKED"[^>]*>Storniert</);
    assert.doesNotMatch(row(), /Reklamieren/);
    // The cancelled booking no longer counts in the sums: 2 × 6 € left.
    assert.match(fragment.body, /sum-price">12,00 €</);
  });

  it('keeps the booking when the complaint is rejected', async () => {
    const w = await world();
    const c = await client(w.executions.userId);
    const target = w.bookingsA[1]!;
    await c.post(paths.sendComplaint(target), { complainttext: 'Falsch' }, HX);
    const [complaint] = await listComplaints(db(), { ...STAFF, executionId: target });
    await startComplaint(db(), { ...STAFF, complaintId: complaint!.id });
    await rejectComplaint(db(), { ...STAFF, complaintId: complaint!.id });
    const execution = await executionById(db(), target);
    assert.equal(execution!.payment_status, 'NOT_PAID');
    assert.equal(execution!.in_complaint, false);
  });

  it('works without JavaScript: the complaint page and a plain form post', async () => {
    const w = await world();
    const c = await client(w.executions.userId);
    const target = w.bookingsA[2]!;
    const page = await c.get(paths.complaintModal(target));
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<html/);
    const sent = await c.post(paths.sendComplaint(target), { complainttext: 'Ohne JS' });
    assert.equal(sent.statusCode, 303);
    assert.equal(sent.headers.location, `${paths.bookings}#bookings-${w.a.customerId}`);
    assert.equal((await executionById(db(), target))!.in_complaint, true);
  });

  it('refuses complaints about another customer\'s bookings and unknown bookings', async () => {
    const c = await client(w.executions.userId);
    const theirs = w.bookingsB[0]!;
    assert.equal((await c.get(paths.complaintModal(theirs), HX)).statusCode, 403);
    assert.equal((await c.post(paths.sendComplaint(theirs), { complainttext: 'x' }, HX)).statusCode, 403);
    assert.equal((await executionById(db(), theirs))!.in_complaint, false);
    assert.equal((await c.get(paths.complaintModal(crypto.randomUUID()), HX)).statusCode, 404);
    // D5: a GET on the submit address changes nothing (the original revoked the booking, then crashed).
    const get = await c.get(paths.sendComplaint(w.bookingsA[1]!));
    assert.equal(get.statusCode, 404);
    const untouched = await executionById(db(), w.bookingsA[1]!);
    assert.equal(untouched!.payment_status, 'NOT_PAID');
    assert.equal(untouched!.in_complaint, false);
    assert.equal((await c.post(paths.sendComplaint(crypto.randomUUID()), { complainttext: 'x' }, HX)).statusCode, 404);
  });

  it('needs the CSRF token for the complaint post', async () => {
    const c = await client(w.executions.userId);
    c.csrfToken = 'forged';
    const response = await c.post(paths.sendComplaint(w.bookingsB[1]!), { complainttext: 'x' }, HX);
    assert.equal(response.statusCode, 403);
  });

  it('pages long periods: htmx "Weiter" rows, and the same page without JavaScript', async () => {
    const w = await world();
    const many = await book(db(), w.a, Array.from({ length: 55 }, (_, i) => new Date(NOW.getTime() - (i + 10) * 1000)), 60);
    const c = await client(w.executions.userId);
    const first = await c.get(paths.bookingsFragment('thisyear', w.a.customerId), HX);
    const rows = (body: string) => [...body.matchAll(/id="execution-([^"]+)"/g)].map((m) => m[1]);
    assert.equal(rows(first.body).length, 50);
    const more = /hx-get="([^"]*\/rows\?[^"]*cursor=[^"]+)"/.exec(first.body)![1]!.replaceAll('&amp;', '&');
    const next = await c.get(more, HX);
    assert.equal(next.statusCode, 200);
    const all = new Set([...rows(first.body), ...rows(next.body)]);
    assert.ok(many.every((id) => all.has(id)));
    const noJs = /class="btn btn-sm btn-outline-secondary" href="([^"]+)"/.exec(first.body)![1]!.replaceAll('&amp;', '&');
    const page = await c.get(noJs);
    assert.equal(page.statusCode, 200);
    assert.deepEqual(rows(page.body), rows(next.body));
  });

  it('bounds the periods in the customer\'s time zone (New Year in Tokyo vs. Berlin)', async () => {
    const w = await world();
    // 2025-01-01 00:30 in Tokyo is 2024-12-31 15:30 UTC — still 2024 in Berlin.
    const [id] = await book(db(), w.b, [new Date('2024-12-31T15:30:00.000Z')]);
    const now = new Date('2025-01-15T12:00:00.000Z');
    const berlin = await bookingBlock(db(), { id: w.b.customerId, name: 'B', time_zone: 'Europe/Berlin' }, 'thisyear', { now });
    assert.ok(!berlin.rows.some((r) => r.id === id));
    await updateCustomer(db(), w.b.customerId, { timeZone: 'Asia/Tokyo' });
    const tokyo = await bookingBlock(db(), { id: w.b.customerId, name: 'B', time_zone: 'Asia/Tokyo' }, 'thisyear', { now });
    assert.ok(tokyo.rows.some((r) => r.id === id));
    assert.equal(tokyo.chart.unit, 'month');
    assert.equal(tokyo.chart.points[0]!.seconds, 600);
    const lastMonthBerlin = await bookingBlock(db(), { id: w.b.customerId, name: 'B', time_zone: 'Europe/Berlin' }, 'lastmonth', { now });
    assert.ok(lastMonthBerlin.rows.some((r) => r.id === id));
    assert.equal(lastMonthBerlin.chart.points.length, 31);
  });
});
