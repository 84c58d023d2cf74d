/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { apiKeyFor, person } from '../../app/nadooit_api_executions_system/testing/fixtures.js';
import { newContext, serve, useBrowser, watchProblems } from '../support/browser.js';
import { describeEachBackend } from '../support/harness.js';
import { createStaff } from './admin-support.js';

/**
 * The admin in a real browser against a listening server: staff login with password + TOTP, then the
 * original's admin routine — customer, program, customer program with a time account, top-up — a booking
 * from a bot through POST /api/executions, and its refund with the balance back where it was.
 */
const browser = useBrowser();

/** Types into a relation's search box and picks the option the autocomplete (htmx) brings up. */
async function pickRelation(page: Page, field: string, search: string, label: string | RegExp): Promise<void> {
  const select = page.locator(`select#field-${field}`);
  await page.fill(`[data-admin-search-for="field-${field}"]`, search);
  const option = select.locator('option', { hasText: label });
  await option.first().waitFor({ state: 'attached' });
  await select.selectOption({ label: (await option.first().textContent())!.trim() });
}

async function submit(page: Page, selector = '#admin-form button[name="_continue"]'): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.click(selector)]);
}

const idFrom = (url: string) => /\/([0-9a-f-]{36})\/(?:change)?$/.exec(new URL(url).pathname)![1]!;

describeEachBackend('browser: the admin', (h) => {
  it('a superuser logs in with password + TOTP, sets up a customer, program and prepaid time, sees a bot booking and refunds it', async () => {
    const origin = await serve(await h().app());
    const db = h().system.context.db.kysely;
    const staff = await createStaff(db, h().settings, { superuser: true });
    const bot = await person(db, { displayName: 'Rechnungsbot' });
    const key = await apiKeyFor(db, bot.userId);

    const context = await newContext(browser(), { baseURL: origin });
    const page = await context.newPage();
    const errors = watchProblems(page);

    // Staff login: /admin/ sends to the staff login; password, then the authenticator app's code.
    await page.goto('/admin/');
    assert.match(page.url(), /\/auth\/staff-login\?next=%2Fadmin%2F$/);
    await page.fill('input[name="username"]', staff.username);
    await page.fill('input[name="password"]', staff.password);
    await Promise.all([page.waitForURL('**/auth/staff-login/verify'), page.click('form button[type="submit"]')]);
    await page.fill('input[name="code"]', await generate({ secret: staff.totpSecret }));
    await Promise.all([page.waitForURL(`${origin}/admin/`), page.locator('form:has(input[name="code"]) button[type="submit"]').first().click()]);
    assert.equal(await page.textContent('h1'), 'NADOOIT Administration');

    // A customer, with the bot's person as its first manager (so the bot works for the customer).
    await page.click('#app-nadooit_crm a[href="/admin/nadooit_crm/customers/add"]');
    await page.fill('#field-name', 'Acme Automations GmbH');
    await page.fill('#field-first_managers', bot.userCode);
    await submit(page);
    const customerId = idFrom(page.url());
    assert.match((await page.textContent('.alert-success')) ?? '', /Acme Automations GmbH/);

    // A program.
    await page.goto('/admin/nadooit_program/programs/add');
    await page.fill('#field-name', 'Belegerfassung');
    await page.fill('#field-description', 'Liest Eingangsrechnungen aus.');
    await submit(page);

    // The customer's time account (a new account behind the label).
    await page.goto('/admin/nadooit_time_account/customer_time_accounts/add');
    await pickRelation(page, 'customer_id', 'Acme', 'Acme Automations GmbH');
    await page.fill('#field-name', 'Hauptkonto');
    await submit(page);
    const label = await db.selectFrom('ta_customer_time_accounts').selectAll().where('customer_id', '=', customerId).executeTakeFirstOrThrow();

    // The customer program drawing from it, 300 s per run at 0,01 € per uncovered second.
    await page.goto('/admin/nadooit_program_ownership_system/customer_programs/add');
    await pickRelation(page, 'program_id', 'Beleg', 'Belegerfassung');
    await pickRelation(page, 'customer_id', 'Acme', 'Acme Automations GmbH');
    await pickRelation(page, 'time_account_id', 'Hauptkonto', /Hauptkonto/);
    await page.fill('#field-program_time_saved_per_execution_in_seconds', '300');
    await page.fill('#field-price_per_second', '0,01');
    await submit(page);
    const customerProgramId = idFrom(page.url());

    // Top up one hour from the time account's page.
    await page.goto(`/admin/nadooit_time_account/time_accounts/${label.time_account_id}/`);
    await Promise.all([page.waitForNavigation(), page.click('a:has-text("Aufladen")')]);
    await page.fill('#field-hours', '1');
    await page.fill('#field-reference', 'RE-4711');
    await submit(page, '#admin-action-form button[type="submit"]');
    assert.match((await page.textContent('[data-field="balance_seconds"]')) ?? '', /1 h 00 min/);

    // The bot books a run through the API, with its key, as deployed bots do.
    const booking = await fetch(`${origin}/api/executions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ NADOOIT__API_KEY: key.secret, NADOOIT__USER_CODE: bot.userCode, program_id: customerProgramId }),
    });
    assert.equal(booking.status, 200, await booking.clone().text());
    const executionId = String(((await booking.json()) as { execution_id: string }).execution_id);
    const balance = async () => Number((await db.selectFrom('ta_time_accounts').select('balance_seconds').where('id', '=', label.time_account_id).executeTakeFirstOrThrow()).balance_seconds);
    assert.equal(await balance(), 3300);

    // It shows up in the executions list, newest first.
    await page.goto('/admin/nadooit_api_executions_system/executions/');
    const row = page.locator(`tr[data-id="${executionId}"]`);
    assert.equal(await row.count(), 1);
    assert.match((await row.textContent()) ?? '', /Acme Automations GmbH/);
    assert.equal(await page.locator('#admin-list tbody tr').first().getAttribute('data-id'), executionId);

    // Refund it from the list: select, choose the action, confirm.
    await row.locator('input[name="ids"]').check();
    await page.selectOption('#admin-action', 'refund');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/executions/action"] button[type="submit"]:has-text("Ausführen")')]);
    assert.match((await page.textContent('#admin-action-objects')) ?? '', /Belegerfassung · Acme Automations GmbH/);
    await submit(page, '#admin-action-form button[type="submit"]');
    assert.match((await page.textContent('[data-field="payment_status"]')) ?? '', /Erstattet/);

    // The balance matches: exactly the 300 drawn seconds are back.
    assert.equal(await balance(), 3600);
    await page.goto(`/admin/nadooit_time_account/time_accounts/${label.time_account_id}/`);
    assert.match((await page.textContent('[data-field="balance_seconds"]')) ?? '', /1 h 00 min/);
    assert.match((await page.textContent('[data-inline="nadooit_time_account.ledger_entries"]')) ?? '', /Erstattung/);
    assert.deepEqual(errors, [], 'no script or CSP errors in the browser');
    await context.close();
  });
});
