/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { customerTimeAccounts } from '../../app/nadooit_time_account/services.js';
import { paths } from '../../app/nadooit_os/paths.js';
import { demoWorld } from '../../app/nadooit_os/testing/demo.js';
import { sessionFor } from '../../app/nadooit_os/testing/session.js';
import { newContext, serve, useBrowser, watchProblems } from '../support/browser.js';
import { useFixedClock } from '../support/clock.js';
import { describeEachBackend } from '../support/harness.js';

/**
 * Every main NADOOIT OS page in Chromium with a populated demo customer: each renders (200), runs its
 * scripts without errors and without a single CSP violation. The screenshots go to a temp folder, or to
 * DASHBOARD_SCREENSHOTS_DIR (docs/images is refreshed with `DASHBOARD_SCREENSHOTS_DIR=docs/images`).
 */
const outDir = process.env.DASHBOARD_SCREENSHOTS_DIR ?? mkdtempSync(path.join(tmpdir(), 'nadooit-os-screens-'));
mkdirSync(outDir, { recursive: true });
const browser = useBrowser();
// The demo bookings lie before this instant; "this month" and "this year" are its own, whenever the test runs.
const NOW = useFixedClock();

describeEachBackend('browser: NADOOIT OS pages render cleanly', (h) => {
  it('renders every main page without script errors or CSP violations', async () => {
    const origin = await serve(await h().app());
    const db = h().system.context.db.kysely;
    const w = await demoWorld(db, NOW);
    const [account] = await customerTimeAccounts(db, w.a.customerId);
    const token = await sessionFor(db, h().settings, w.boss.userId);

    const context = await newContext(browser(), { baseURL: origin, viewport: { width: 1280, height: 860 } });
    await context.addCookies([{ name: 'nadooit_session', value: token, url: origin }]);
    const page = await context.newPage();
    const problems = watchProblems(page);

    // Long lists are pictured as the first screen; short pages whole.
    const shoot = async (name: string, fullPage = true) => {
      await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage });
    };
    const visit = async (name: string, url: string, fullPage = true) => {
      const response = await page.goto(url);
      assert.equal(response?.status(), 200, url);
      await shoot(name, fullPage);
    };

    await visit('dashboard-home', paths.home);
    await visit('dashboard-bookings', `${paths.bookings}?filter=thismonth`, false);
    await page.locator(`#bookings-${w.a.customerId} [data-filter="thisyear"]`).click();
    await page.waitForSelector(`#bookings-${w.a.customerId}[data-filter="thisyear"]`);
    assert.equal(await page.locator(`#bookings-${w.a.customerId} svg rect.bar`).count(), 12);
    await shoot('dashboard-bookings-year', false);
    await page.locator(`#bookings-${w.a.customerId} .complain-button`).first().click();
    await page.locator('#complaint-modal').waitFor({ state: 'visible' });
    await page.locator('#complaint-modal textarea').fill('Die Ausführung lief doppelt.');
    await page.waitForTimeout(400); // the modal's fade-in, for the picture only
    await shoot('dashboard-complaint', false);
    // The filters: two months of one program (the axis names both months).
    await visit('dashboard-bookings-filter', `${paths.bookings}?from=2025-04-01&to=2025-05-31&program=${w.a.programId}`, false);
    await visit('dashboard-time-accounts', paths.timeAccounts);
    await visit('dashboard-ledger', paths.timeAccount(account!.timeAccountId));
    await visit('dashboard-programs', paths.programs);
    await visit('dashboard-program', paths.program(w.tieredProgramId));
    await visit('dashboard-employees', paths.employees);
    await visit('dashboard-add-employee', paths.addEmployee);
    await visit('dashboard-grant', paths.grant('customer_program_execution_manager'));
    await visit('dashboard-profile', paths.profile);
    await visit('dashboard-api-keys', paths.apiKeys);
    await page.goto(paths.createApiKey);
    await page.fill('#field-name', 'Rechnungs-Bot');
    await page.selectOption('#field-customer', w.a.customerId);
    await Promise.all([page.waitForSelector('#new-api-key'), page.click('#create-api-key-form button[type="submit"]')]);
    await shoot('dashboard-api-key-created');
    await page.goto(paths.bookings, { waitUntil: 'load' });
    await page.goto(`/language?set=en&next=${encodeURIComponent(paths.bookings)}`);
    assert.match((await page.textContent('h1'))!, /Bookings overview/);
    await shoot('dashboard-bookings-en', false);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
