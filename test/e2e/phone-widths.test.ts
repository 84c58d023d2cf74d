import assert from 'node:assert/strict';
import path from 'node:path';
import { it } from 'node:test';
import { SECOND_FACTOR } from '../../app/nadooit_auth/routes/state.js';
import { customerTimeAccounts } from '../../app/nadooit_time_account/services.js';
import { paths } from '../../app/nadooit_os/paths.js';
import { demoWorld } from '../../app/nadooit_os/testing/demo.js';
import { sessionFor } from '../../app/nadooit_os/testing/session.js';
import { newContext, PHONE, serve, sidewaysScroll, useBrowser, watchProblems } from '../support/browser.js';
import { useFixedClock } from '../support/clock.js';
import { describeEachBackend } from '../support/harness.js';
import { createStaff } from './admin-support.js';

/**
 * On a phone (390 px, the width of today's common models) no main page scrolls sideways: wide tables turn
 * into cards or keep their important columns. Measured in Chromium as the page's scrollWidth.
 */
const browser = useBrowser();
const NOW = useFixedClock();
/** With DASHBOARD_SCREENSHOTS_DIR (e.g. docs/images) a few pages are pictured as a phone shows them. */
const screenshotDir = process.env.DASHBOARD_SCREENSHOTS_DIR;

describeEachBackend('browser: main pages fit a phone', (h) => {
  it('no NADOOIT OS, account or admin page is wider than 390 px', async () => {
    const origin = await serve(await h().app());
    const db = h().system.context.db.kysely;
    const w = await demoWorld(db, NOW);
    const [account] = await customerTimeAccounts(db, w.a.customerId);
    const staff = await createStaff(db, h().settings, { superuser: true });
    const sessions = {
      manager: await sessionFor(db, h().settings, w.boss.userId),
      staff: await sessionFor(db, h().settings, staff.id, { [SECOND_FACTOR]: true }),
    };
    const pages: Array<[keyof typeof sessions, string]> = [
      ['manager', paths.home],
      ['manager', paths.bookings],
      ['manager', paths.timeAccounts],
      ['manager', paths.timeAccount(account!.timeAccountId)],
      ['manager', paths.programs],
      ['manager', paths.program(w.tieredProgramId)],
      ['manager', paths.employees],
      ['manager', paths.complaints],
      ['manager', paths.apiKeys],
      ['manager', paths.profile],
      ['manager', '/auth/keys'],
      ['manager', '/auth/sessions'],
      ['staff', '/admin/'],
      ['staff', '/admin/nadooit_auth/users/'],
      ['staff', '/admin/nadooit_crm/customers/'],
      ['staff', '/admin/nadooit_api_executions_system/executions/'],
      ['staff', '/admin/nadooit_time_account/time_accounts/'],
      ['staff', '/admin/nadoo_complaint_management/complaints/'],
    ];
    const SCREENSHOTS: Record<string, string> = { [paths.bookings]: 'phone-bookings', [paths.timeAccount(account!.timeAccountId)]: 'phone-ledger', '/admin/nadooit_api_executions_system/executions/': 'phone-admin-executions' };
    const tooWide: string[] = [];
    for (const who of ['manager', 'staff'] as const) {
      const context = await newContext(browser(), { baseURL: origin, viewport: PHONE, isMobile: true, hasTouch: true });
      await context.addCookies([{ name: 'nadooit_session', value: sessions[who], url: origin }]);
      const page = await context.newPage();
      const problems = watchProblems(page);
      for (const [, url] of pages.filter(([p]) => p === who)) {
        const response = await page.goto(url);
        assert.equal(response?.status(), 200, url);
        await page.waitForLoadState('networkidle');
        const picture = SCREENSHOTS[url];
        if (screenshotDir && picture) await page.screenshot({ path: path.join(screenshotDir, `${picture}.png`) });
        for (const problem of await sidewaysScroll(page)) tooWide.push(`${url}: ${problem}`);
      }
      assert.deepEqual(problems, []);
      await context.close();
    }
    assert.deepEqual(tooWide, []);
  });
});
