import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { DbQueue } from '../../app/core/queue/index.js';
import { CHECK_LOW_STOCK_TASK } from '../../app/nadoo_erp/tasks.js';
import { fileComplaint } from '../../app/nadoo_complaint_management/services.js';
import { bookExecution } from '../../app/nadooit_api_executions_system/services/index.js';
import { bookingWorld, person } from '../../app/nadooit_api_executions_system/testing/fixtures.js';
import { createCustomerTimeAccount } from '../../app/nadooit_time_account/services.js';
import { requestTopUp } from '../../app/nadooit_time_account/top-up-requests.js';
import { SECOND_FACTOR } from '../../app/nadooit_auth/routes/state.js';
import { sessionFor } from '../../app/nadooit_os/testing/session.js';
import { newContext, PHONE, serve, sidewaysScroll, useBrowser, watchProblems } from '../support/browser.js';
import { describeEachBackend } from '../support/harness.js';
import type { TestClient } from '../support/http.js';
import { createStaff, listedIds, staffLogin } from './admin-support.js';

const SYSTEM = { actorUserId: null, asStaff: true } as const;
const browser = useBrowser();
/** With DASHBOARD_SCREENSHOTS_DIR (e.g. docs/images) the start page is pictured on a desktop and a phone. */
const screenshotDir = process.env.DASHBOARD_SCREENSHOTS_DIR;

/** The number and link of one "needs attention" tile of the admin's start page. */
function tile(html: string, key: string): { count: number; href: string | null } | null {
  const start = html.indexOf(`data-attention="${key}"`);
  if (start < 0) return null;
  const next = html.indexOf('data-attention="', start + 1);
  const block = html.slice(start, next > 0 ? next : undefined);
  const href = /<a [^>]*href="([^"]+)"/.exec(block)?.[1]?.replace(/&amp;/g, '&') ?? null;
  const count = Number(/data-count="(\d+)"/.exec(block)![1]);
  return { count, href };
}

describeEachBackend(
  'admin start page',
  (h) => {
    const db = () => h().system.context.db.kysely;
    const superuser = async (): Promise<TestClient> => staffLogin(await h().app(), await createStaff(db(), h().settings, { superuser: true }));

    it('groups the models by app: business apps first (people, customers, programs, time accounts, bookings, complaints), then website and more, then the system', async () => {
      const client = await superuser();
      const page = await client.get('/admin/');
      assert.equal(page.statusCode, 200);
      const at = (marker: string) => {
        const index = page.body.indexOf(marker);
        assert.ok(index >= 0, `${marker} on the page`);
        return index;
      };
      const sections = ['business', 'more', 'system'].map((key) => at(`data-admin-section="${key}"`));
      assert.deepEqual([...sections].sort((a, b) => a - b), sections, 'sections in order');
      const business = [
        'nadooit_auth',
        'nadooit_hr',
        'nadooit_crm',
        'nadooit_program',
        'nadooit_program_ownership_system',
        'nadooit_time_account',
        'nadooit_api_executions_system',
        'nadoo_complaint_management',
      ].map((app) => at(`id="app-${app}"`));
      assert.deepEqual([...business].sort((a, b) => a - b), business, 'business apps in order');
      assert.ok(business.every((index) => index > sections[0]! && index < sections[1]!), 'all in the business section');
      for (const app of ['nadooit_website', 'bot_management', 'nadooit_network', 'nadoo_erp', 'nadooit_workflow']) {
        const index = at(`id="app-${app}"`);
        assert.ok(index > sections[1]! && index < sections[2]!, `${app} among website and more`);
      }
      for (const app of ['nadooit_api_key', 'nadooit_admin', 'core']) assert.ok(at(`id="app-${app}"`) > sections[2]!, `${app} under system`);
      assert.match(page.body, /Braucht Aufmerksamkeit/);
    });

    it('counts open complaints, open top-up requests, accounts below their warning level and failed jobs, each linking to the list of exactly those rows', async () => {
      const client = await superuser();
      const before = (await client.get('/admin/')).body;
      const counts = Object.fromEntries(['open_complaints', 'open_top_up_requests', 'low_balance', 'failed_jobs'].map((key) => [key, tile(before, key)!.count]));

      // One of each, made through the owning apps' services.
      const world = await bookingWorld(db(), { balanceSeconds: 100_000, customerName: 'Achtung GmbH' });
      const manager = await person(db(), { customerId: world.customerId, roles: { customer_program_execution_manager: [] } });
      const { execution } = await bookExecution(db(), { customerProgramId: world.customerProgramId, timeSavedSeconds: 60, maxTimeSavedSeconds: 86_400, userId: null });
      const complaint = await fileComplaint(db(), { actorUserId: manager.userId, executionId: execution.id, text: 'Lief doppelt' });
      const account = await createCustomerTimeAccount(db(), { ...SYSTEM, customerId: world.customerId, name: 'Fast leer', openingBalanceSeconds: 60, lowBalanceThresholdSeconds: 3600 });
      const request = await requestTopUp(db(), { ...SYSTEM, customerTimeAccountId: account.customerTimeAccountId, seconds: 36_000 });
      const queue = h().system.context.queue as DbQueue;
      // Any registered task: the job is claimed and failed here, never run.
      await queue.enqueue(CHECK_LOW_STOCK_TASK, {}, { maxAttempts: 1, uniqueKey: 'admin-home-test' });
      const job = await queue.claim();
      assert.equal(job?.name, CHECK_LOW_STOCK_TASK);
      assert.equal(await queue.fail(job!, new Error('boom')), 'failed');

      const after = (await client.get('/admin/')).body;
      const expected: Record<string, [string, string]> = {
        open_complaints: ['/admin/nadoo_complaint_management/complaints/?f.status=OPEN', complaint.id],
        open_top_up_requests: ['/admin/nadooit_time_account/top_up_requests/?f.status=open', request.id],
        low_balance: ['/admin/nadooit_time_account/time_accounts/?f.below_low_balance=1', account.timeAccountId],
        failed_jobs: ['/admin/core/jobs/?f.status=failed', job!.id],
      };
      for (const [key, [href, id]] of Object.entries(expected)) {
        const shown = tile(after, key)!;
        assert.equal(shown.count, counts[key]! + 1, `${key}: one more`);
        assert.equal(shown.href, href, `${key}: link`);
        const list = await client.get(href);
        assert.equal(list.statusCode, 200, href);
        assert.ok(listedIds(list.body).includes(id), `${key}: the list shows the counted row`);
        assert.equal(listedIds(list.body).length, shown.count, `${key}: the list shows as many rows as counted`);
      }
      // The time-account list offers the filter in its sidebar too.
      assert.match((await client.get('/admin/nadooit_time_account/time_accounts/')).body, /href="[^"]*f\.below_low_balance=1"[^>]*>Ja</);
    });

    it('shows a staff member only the numbers of models they may view (failed jobs: superusers)', async () => {
      const staff = await createStaff(db(), h().settings, { grants: [['nadoo_complaint_management.complaints', 'view']] });
      const client = await staffLogin(await h().app(), staff);
      const page = (await client.get('/admin/')).body;
      assert.ok(tile(page, 'open_complaints'));
      for (const key of ['open_top_up_requests', 'low_balance', 'failed_jobs']) assert.equal(tile(page, key), null, key);
      assert.doesNotMatch(page, /data-admin-section="system"/);
    });

    it('in Chromium: the numbers and the sections fit a phone (390 px) and a desktop', { timeout: 240_000 }, async () => {
      const staff = await createStaff(db(), h().settings, { superuser: true });
      const world = await bookingWorld(db(), { balanceSeconds: 100_000, customerName: 'Bildschirm GmbH' });
      await createCustomerTimeAccount(db(), { ...SYSTEM, customerId: world.customerId, name: 'Fast leer', openingBalanceSeconds: 60, lowBalanceThresholdSeconds: 3600 });
      for (const seconds of [315, 3900, 45]) {
        await bookExecution(db(), { customerProgramId: world.customerProgramId, timeSavedSeconds: seconds, maxTimeSavedSeconds: 86_400, userId: null });
      }
      const origin = await serve(await h().app());
      const token = await sessionFor(db(), h().settings, staff.id, { [SECOND_FACTOR]: true });
      for (const [name, viewport, mobile] of [
        ['admin-home', { width: 1280, height: 1000 }, false],
        ['phone-admin-home', PHONE, true],
      ] as const) {
        const context = await newContext(browser(), { baseURL: origin, viewport, isMobile: mobile, hasTouch: mobile });
        await context.addCookies([{ name: 'nadooit_session', value: token, url: origin }]);
        const page = await context.newPage();
        const problems = watchProblems(page, { origin });
        assert.equal((await page.goto('/admin/'))?.status(), 200);
        assert.equal(await page.locator('[data-attention]').count(), 4);
        assert.ok(await page.locator('[data-attention="low_balance"] [data-count]').isVisible());
        assert.deepEqual(await sidewaysScroll(page), [], name);
        if (screenshotDir) await page.screenshot({ path: `${screenshotDir}/${name}.png`, fullPage: !mobile });
        if (!mobile) {
          // The bookings list: numbers right-aligned, the payment status as a badge.
          await page.goto('/admin/nadooit_api_executions_system/executions/');
          assert.equal(await page.locator('#admin-list th.text-end').count(), 3, 'time saved, covered, price');
          assert.ok((await page.locator('#admin-list tbody td .badge[data-status]').count()) >= 3);
          if (screenshotDir) await page.screenshot({ path: `${screenshotDir}/admin-executions.png` });
          assert.deepEqual(await sidewaysScroll(page), []);
        }
        assert.deepEqual(problems, []);
        await context.close();
      }
    });
  },
  { queueDriver: 'db' },
);
