/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import type { Page } from 'playwright-core';
import { transaction } from '../../app/core/db/transaction.js';
import { acceptComplaint, listComplaints, startComplaint } from '../../app/nadoo_complaint_management/services.js';
import { enrolmentPath, issueEnrolmentToken } from '../../app/nadooit_auth/services/tokens.js';
import { paths } from '../../app/nadooit_os/paths.js';
import { localParts, startOfLocalDay } from '../../app/core/time/periods.js';
import { book, dashboardWorld } from '../../app/nadooit_os/testing/world.js';
import { addVirtualAuthenticator, newContext, reserveOrigin, serve, useBrowser, watchProblems } from '../support/browser.js';
import { useFixedClock } from '../support/clock.js';
import { describeEachBackend } from '../support/harness.js';

/**
 * An execution manager's day in NADOOIT OS, in headless Chromium against a listening server: security-key
 * login (CDP virtual authenticator), booking tabs, a complaint through the workflow, the CSV download —
 * and nothing of the second customer anywhere.
 */
/** The origin of the suite being run: its port is reserved (bound) before the app is built, see harness settings below. */
let site = { port: 0, origin: '' };
const browser = useBrowser();
// "Heute" and "Letzter Monat" are those of this instant, whenever the test runs.
const NOW = useFixedClock();

async function browserWithKey(): Promise<Page> {
  const context = await newContext(browser(), { baseURL: site.origin, acceptDownloads: true });
  const page = await context.newPage();
  await addVirtualAuthenticator(context, page);
  return page;
}

/** Noon of the 1st of last month in Berlin: inside "last month", outside "today" and "this month". */
function firstOfLastMonth(now: Date): Date {
  const { year, month } = localParts(now.getTime(), 'Europe/Berlin');
  return new Date(startOfLocalDay(year, month - 1, 1, 'Europe/Berlin') + 12 * 3_600_000);
}

describeEachBackend(
  'browser: execution manager in NADOOIT OS',
  (h) => {
    it('logs in with a key, switches tabs, files a complaint ("Storniert" only after acceptance), downloads the CSV, never sees customer B', async () => {
      await serve(await h().app(), site.port);
      const db = h().system.context.db.kysely;
      const w = await dashboardWorld(db, { now: NOW });
      const [older] = await book(db, w.a, [firstOfLastMonth(NOW)], 1800);
      const forbidden = [/Beta Bau AG/, ...w.bookingsB.map((id) => new RegExp(id))];
      const assertNoB = async (page: Page, where: string) => {
        const html = await page.content();
        for (const pattern of forbidden) assert.doesNotMatch(html, pattern, where);
      };

      // Security key enrolled through a one-time link, then logout and a real login with code + key.
      const link = await transaction(db, async (tx) => enrolmentPath((await issueEnrolmentToken(tx, w.executions.userId, null)).token));
      const page = await browserWithKey();
      const problems = watchProblems(page);
      await page.goto(link);
      await Promise.all([page.waitForURL('**/auth/keys'), page.click('#enrol-form button[type="submit"]')]);
      await page.goto(paths.profile);
      await Promise.all([page.waitForURL('**/auth/login-user'), page.click('#nav-person').then(() => page.click('nav form[action="/auth/logout-user"] button'))]);
      assert.equal((await page.goto(paths.bookings))?.url().includes('/auth/login-user?next='), true);
      await page.fill('#field-user_code', w.executions.userCode);
      await Promise.all([page.waitForURL(`**${paths.bookings}`), page.click('#login-form button[type="submit"]')]);

      // The overview: customer A's block only, default "Dieser Monat" (the older booking is last month's).
      const block = page.locator(`#bookings-${w.a.customerId}`);
      assert.equal(await block.getAttribute('data-filter'), 'thismonth');
      assert.equal(await page.locator('.booking-block').count(), 1);
      await assertNoB(page, 'overview');
      for (const id of w.bookingsA) assert.equal(await page.locator(`#execution-${id}`).count(), 1);
      assert.equal(await page.locator(`#execution-${older}`).count(), 0);

      // Tabs are htmx fragments: "Letzter Monat" has only the older booking, "Heute" only today's.
      await block.locator('[data-filter="lastmonth"]').click();
      await page.waitForSelector(`#bookings-${w.a.customerId}[data-filter="lastmonth"]`);
      assert.equal(await page.locator(`#execution-${older}`).count(), 1);
      assert.equal(await page.locator(`#execution-${w.bookingsA[0]}`).count(), 0);
      assert.equal(await page.locator(`#bookings-${w.a.customerId} svg rect.bar`).count() >= 28, true, 'one bar per day of last month');
      await page.locator(`#bookings-${w.a.customerId} [data-filter="today"]`).click();
      await page.waitForSelector(`#bookings-${w.a.customerId}[data-filter="today"]`);
      assert.equal(await page.locator(`#execution-${older}`).count(), 0);
      for (const id of w.bookingsA) assert.equal(await page.locator(`#execution-${id}`).count(), 1);
      assert.match((await page.textContent(`#bookings-${w.a.customerId} .sum-time`))!, /^30 min$/);
      assert.match((await page.textContent(`#bookings-${w.a.customerId} .sum-price`))!, /^18,00 €$/);
      assert.equal(new URL(page.url()).pathname, paths.bookings, 'tabs do not navigate');
      await assertNoB(page, 'today tab');

      // Complaint dialog → workflow: the booking is marked, still "Offen", not "Storniert".
      const target = w.bookingsA[0]!;
      const row = page.locator(`#execution-${target}`);
      await row.locator('.complain-button').click();
      const modal = page.locator('#complaint-modal');
      await modal.waitFor({ state: 'visible' });
      assert.match((await modal.textContent())!, /Ausführung reklamieren/);
      await modal.locator('textarea[name="complainttext"]').fill('Der Bot hat diese Rechnung doppelt erfasst.');
      await modal.locator('button[type="submit"]').click();
      await page.waitForSelector('#complaint-modal .alert-success');
      await modal.locator('.modal-footer button').click();
      await modal.waitFor({ state: 'hidden' });
      await page.waitForSelector(`#execution-${target} .complaint-pending`);
      assert.equal(await page.locator(`#execution-${target} .status-badge`).textContent(), 'Offen');
      assert.equal(await page.locator(`#bookings-${w.a.customerId}`).getAttribute('data-filter'), 'today', 'the block reloaded in place');

      // NADOOIT staff accept the complaint; only now the booking is "Storniert".
      const [complaint] = await listComplaints(db, { actorUserId: null, asStaff: true, executionId: target });
      assert.equal(complaint!.text, 'Der Bot hat diese Rechnung doppelt erfasst.');
      await startComplaint(db, { actorUserId: null, asStaff: true, complaintId: complaint!.id });
      await page.reload();
      assert.equal(await page.locator(`#execution-${target} .status-badge`).textContent(), 'Offen');
      await acceptComplaint(db, { actorUserId: null, asStaff: true, complaintId: complaint!.id });
      await page.reload();
      assert.equal(await page.locator(`#execution-${target} .status-badge`).textContent(), 'Storniert');
      assert.equal(await page.locator(`#execution-${target} .complain-button`).count(), 0);

      // CSV of the current filter ("Letzte 20"), customer A only.
      await page.locator(`#bookings-${w.a.customerId} [data-filter="last20"]`).click();
      await page.waitForSelector(`#bookings-${w.a.customerId}[data-filter="last20"]`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`#bookings-${w.a.customerId} a.csv-export`).click()]);
      assert.match(download.suggestedFilename(), /^transactions-last20-\d{4}-\d{2}-\d{2}\.csv$/);
      const csv = readFileSync((await download.path())!, 'utf8');
      // German page: the spreadsheet format (BOM, `;`, decimal comma, local time; docs/dashboard.md).
      assert.ok(csv.startsWith('\uFEFF'), 'UTF-8 BOM first');
      const lines = csv.trim().split('\r\n');
      assert.equal(lines[0], 'id;Programmname;erspaarte Zeit;Preis;Erstellt;Status');
      assert.equal(lines.length, 1 + w.bookingsA.length + 1);
      assert.ok(lines.some((l) => l.startsWith(`${target};Rechnungseingang automatisiert;600;6,000000;`) && l.endsWith(';REVOKED')));
      assert.ok(lines.some((l) => l.startsWith(`${older};`)));
      for (const id of w.bookingsB) assert.doesNotMatch(csv, new RegExp(id));

      // Customer B's fragment and export are refused even when asked for directly.
      assert.equal((await page.request.get(paths.bookingsFragment('last20', w.b.customerId), { headers: { 'HX-Request': 'true' } })).status(), 403);
      assert.equal((await page.request.get(paths.bookingsExport('last20', w.b.customerId))).status(), 403);
      assert.deepEqual(problems, [], 'no script errors or CSP violations');
      await page.context().close();
    });
  },
  {
    settings: async () => {
      site = await reserveOrigin();
      return { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGIN: site.origin };
    },
  },
);
