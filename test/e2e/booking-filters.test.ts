/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Page } from 'playwright-core';
import { createProgram } from '../../app/nadooit_program/services.js';
import { createCustomerProgram } from '../../app/nadooit_program_ownership_system/services.js';
import { paths } from '../../app/nadooit_os/paths.js';
import { sessionFor } from '../../app/nadooit_os/testing/session.js';
import { book, dashboardWorld } from '../../app/nadooit_os/testing/world.js';
import { newContext, PHONE, serve, sidewaysScroll, useBrowser, watchProblems } from '../support/browser.js';
import { useFixedClock } from '../support/clock.js';
import { describeEachBackend } from '../support/harness.js';

/**
 * The bookings filters in Chromium: a free date range, a program, a booking id, the shortcuts keeping the
 * filter, a malformed value shown at its field, the CSV link carrying the filter, and the filtered page on
 * a phone without sideways scrolling.
 */
const browser = useBrowser();
// 2025-06-18 in Berlin: "this month" is June.
const NOW = useFixedClock();

const rowIds = (page: Page) => page.locator('tr[data-execution-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-execution-id')));

describeEachBackend('browser: bookings filters', (h) => {
  it('filters by range, program and id, keeps the filter in shortcuts and the CSV link, shows bad input at its field, fits a phone', async () => {
    const origin = await serve(await h().app());
    const db = h().system.context.db.kysely;
    const w = await dashboardWorld(db, { now: NOW });
    const [may] = await book(db, w.a, [new Date('2025-05-20T08:00:00.000Z')]);
    const program = await createProgram(db, { name: 'Mahnwesen', description: 'Test' });
    const cp = await createCustomerProgram(db, { actorUserId: null, asStaff: true, customerId: w.a.customerId, programId: program.id, pricePerSecondMicros: 20_000 });
    const dunning = await book(db, { ...w.a, customerProgramId: cp.id }, [new Date('2025-05-28T08:00:00.000Z'), new Date('2025-06-03T08:00:00.000Z')], 300);
    const token = await sessionFor(db, h().settings, w.executions.userId);

    const context = await newContext(browser(), { baseURL: origin, viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: 'nadooit_session', value: token, url: origin }]);
    const page = await context.newPage();
    const problems = watchProblems(page);
    const block = `#bookings-${w.a.customerId}`;

    // Default: this month, its days in the inputs, the month named on the chart's axis.
    await page.goto(paths.bookings);
    assert.equal(await page.inputValue('#filter-from'), '2025-06-01');
    assert.equal(await page.inputValue('#filter-to'), '2025-06-30');
    assert.equal(await page.locator(`${block}[data-filter="thismonth"]`).count(), 1);
    assert.equal(await page.locator(`${block} svg text.tick`).first().textContent(), '1. Jun');
    assert.equal((await rowIds(page)).length, 4);

    // A range over two months and one program.
    await page.fill('#filter-from', '2025-05-01');
    await page.selectOption('#filter-program', program.id);
    await Promise.all([page.waitForURL(/program=/), page.click('#booking-filters button[type="submit"]')]);
    assert.deepEqual(new Set(await rowIds(page)), new Set(dunning));
    assert.equal(await page.locator(`${block}[data-filter="range"]`).count(), 1);
    assert.equal(await page.textContent(`${block} .sum-time`), '10 min');
    const ticks = await page.locator(`${block} svg text.tick`).allTextContents();
    assert.ok(ticks.includes('1. Mai') && ticks.includes('1. Jun'), ticks.join(' '));
    const csv = new URL((await page.getAttribute(`${block} a.csv-export`, 'href'))!, origin);
    assert.deepEqual([csv.searchParams.get('from'), csv.searchParams.get('to'), csv.searchParams.get('program')], ['2025-05-01', '2025-06-30', program.id]);

    // All programs again, searched by the beginning of an id; the shortcut "Dieses Jahr" keeps the search.
    await page.selectOption('#filter-program', '');
    // Ids are UUIDv7 (time first): the beginning that names one booking reaches past its timestamp.
    await page.fill('#filter-q', may!.slice(0, 23));
    await Promise.all([page.waitForURL(/q=/), page.click('#booking-filters button[type="submit"]')]);
    assert.deepEqual(await rowIds(page), [may]);
    await page.locator(`${block} [data-filter="thisyear"]`).click();
    await page.waitForSelector(`${block}[data-filter="thisyear"]`);
    assert.deepEqual(await rowIds(page), [may]);
    assert.deepEqual([await page.inputValue('#filter-from'), await page.inputValue('#filter-to')], ['2025-01-01', '2025-12-31'], 'the inputs follow the shortcut');
    const exported = await page.request.get((await page.getAttribute(`${block} a.csv-export`, 'href'))!);
    const lines = (await exported.text()).trim().split(/\r?\n/);
    assert.equal(lines.length, 2, 'the header and the one booking');
    assert.match(lines[1]!, new RegExp(may!));

    // A malformed id is shown at its field; the page still answers.
    await page.fill('#filter-q', 'kein-hex');
    await Promise.all([page.waitForURL(/q=kein-hex/), page.click('#booking-filters button[type="submit"]')]);
    assert.equal(await page.locator('#filter-q.is-invalid').count(), 1);
    assert.match((await page.locator('#booking-filters .invalid-feedback').textContent())!, /0–9, a–f/);
    const problemsBefore = problems.filter((p) => !/status of 400/.test(p));
    assert.deepEqual(problemsBefore, []);
    await context.close();

    // The filtered page on a phone: no sideways scrolling.
    const phone = await newContext(browser(), { baseURL: origin, viewport: PHONE, isMobile: true, hasTouch: true });
    await phone.addCookies([{ name: 'nadooit_session', value: token, url: origin }]);
    const small = await phone.newPage();
    await small.goto(`${paths.bookings}?from=2025-05-01&to=2025-06-30&program=${program.id}`);
    assert.deepEqual(await sidewaysScroll(small), []);
    await phone.close();
  });
});
