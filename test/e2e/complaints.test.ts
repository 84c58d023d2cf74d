/// <reference lib="dom" />
import assert from 'node:assert/strict';
import path from 'node:path';
import { it } from 'node:test';
import { paths } from '../../app/nadooit_os/paths.js';
import { demoWorld } from '../../app/nadooit_os/testing/demo.js';
import { sessionFor } from '../../app/nadooit_os/testing/session.js';
import { newContext, serve, useBrowser, watchProblems } from '../support/browser.js';
import { useFixedClock } from '../support/clock.js';
import { describeEachBackend } from '../support/harness.js';

/** The complaints page in Chromium: from the navigation to a complaint, a comment written and shown in its history. */
const browser = useBrowser();
const NOW = useFixedClock();
const screenshotDir = process.env.DASHBOARD_SCREENSHOTS_DIR;

describeEachBackend('browser: complaints', (h) => {
  it('a manager finds the open complaint through the navigation and comments on it', async () => {
    const origin = await serve(await h().app());
    const db = h().system.context.db.kysely;
    const w = await demoWorld(db, NOW);
    const context = await newContext(browser(), { baseURL: origin, viewport: { width: 1280, height: 860 } });
    await context.addCookies([{ name: 'nadooit_session', value: await sessionFor(db, h().settings, w.boss.userId), url: origin }]);
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(paths.home);
    await page.click('#nav-executions');
    await Promise.all([page.waitForURL(`**${paths.complaints}`), page.click(`nav a[href="${paths.complaints}"]`)]);
    if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, 'dashboard-complaints.png'), fullPage: true });
    await Promise.all([page.waitForURL('**/nadooit-os/complaints/*'), page.locator('.complaint-list a').first().click()]);
    assert.match((await page.textContent('#complaint-text'))!, /zweimal erfasst/);
    await page.fill('#comment-text', 'Bitte die doppelte Buchung stornieren.');
    await Promise.all([page.waitForURL('**/nadooit-os/complaints/*'), page.click('#complaint-comment-form button[type="submit"]')]);
    const history = (await page.textContent('#complaint-history'))!;
    assert.match(history, /Bitte die doppelte Buchung stornieren\./);
    assert.match(history, /Anna Alpha/);
    if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, 'dashboard-complaint-detail.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  });
});
