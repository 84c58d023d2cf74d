/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { transaction } from '../../app/core/db/transaction.js';
import { enrolmentPath, issueEnrolmentToken } from '../../app/nadooit_auth/services/tokens.js';
import { createUser } from '../../app/nadooit_auth/services/users.js';
import { ensureContract } from '../../app/nadooit_hr/services/contracts.js';
import { getOrCreateEmployee } from '../../app/nadooit_hr/services/employees.js';
import { makeCustomer } from '../../app/nadooit_hr/testing.js';
import { grantKeyManager } from '../../app/nadooit_key/services.js';
import { addVirtualAuthenticator, newContext, reserveOrigin, serve, useBrowser } from '../support/browser.js';
import { describeEachBackend } from '../support/harness.js';

/**
 * The real flow in headless Chromium with CDP virtual authenticators (one per person, like one security
 * key each) against a listening server: WebAuthn runs end to end, nothing is mocked.
 */
/** The origin of the suite being run: its port is reserved (bound) before the app is built, see harness settings below. */
let site = { port: 0, origin: '' };
const browser = useBrowser();

/** A browser profile of its own with one virtual security key (resident keys, user verification). */
async function personWithBrowser(options: { javaScript?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser(), { baseURL: site.origin, javaScriptEnabled: options.javaScript ?? true });
  const page = await context.newPage();
  if (options.javaScript !== false) await addVirtualAuthenticator(context, page);
  return { context, page };
}

async function logout(page: Page): Promise<void> {
  await page.goto('/auth/sessions');
  await Promise.all([page.waitForURL('**/auth/login-user'), page.click('#nav-person').then(() => page.click('nav form[action="/auth/logout-user"] button'))]);
}

async function loginWithCode(page: Page, code: string, next: string): Promise<void> {
  await page.goto(`/auth/login-user?next=${encodeURIComponent(next)}`);
  await page.fill('#field-user_code', code);
  await Promise.all([page.waitForURL(`**${next}`), page.click('#login-form button[type="submit"]')]);
}

async function signedInAs(page: Page): Promise<string | null> {
  await page.goto('/auth/sessions');
  if (!page.url().endsWith('/auth/sessions')) return null;
  return (await page.textContent('#signed-in-as'))?.trim() ?? null;
}

async function errorShown(page: Page): Promise<string> {
  const box = page.locator('[data-webauthn-error]:not(.d-none)').first();
  await box.waitFor({ state: 'visible' });
  return (await box.textContent()) ?? '';
}

describeEachBackend(
  'browser: security keys end to end',
  (h) => {
    it('manager logs in with a key, registers a person who enrols, logs in with code + key and with a passkey; wrong key and code-only are refused', async () => {
      await serve(await h().app(), site.port);
      const db = h().system.context.db.kysely;

      // A key manager whose key was enrolled through a link (as every person's is), working for one customer:
      // she registers people for that customer only (the one choice is preselected on the form).
      const customerId = await makeCustomer(db, 'Alpha Logistik GmbH');
      const managerLink = await transaction(db, async (tx) => {
        const user = await createUser(tx, { displayName: 'Key Managerin' });
        await grantKeyManager(tx, user.id, { can_create_keys: true });
        await ensureContract(tx, (await getOrCreateEmployee(tx, user.id)).id, customerId);
        return { user, path: enrolmentPath((await issueEnrolmentToken(tx, user.id, null)).token) };
      });
      const manager = await personWithBrowser();
      await manager.page.goto(managerLink.path);
      await Promise.all([manager.page.waitForURL('**/auth/keys'), manager.page.click('#enrol-form button[type="submit"]')]);
      await logout(manager.page);

      // 1. The manager logs in with user code + security key and registers a new person.
      await loginWithCode(manager.page, managerLink.user.user_code, '/auth/register-user');
      await manager.page.fill('#field-display_name', 'Neue Person');
      await Promise.all([manager.page.waitForSelector('#new-user-code'), manager.page.click('form[action="/auth/register-user"] button[type="submit"]')]);
      const newCode = (await manager.page.textContent('#new-user-code'))!.trim();
      const link = await manager.page.inputValue('#enrolment-link');
      assert.match(newCode, /^[A-Z2-9]{6}$/);
      assert.ok(link.startsWith(`${site.origin}/auth/enrol/`), link);
      assert.equal(await manager.page.getAttribute('img[alt^="QR"]', 'src').then((s) => s?.startsWith('data:image/png;base64,')), true);
      assert.equal(await signedInAs(manager.page), 'Key Managerin', 'the manager stays logged in as themselves');

      // 2. The new person opens the link in their own browser, registers a key and is logged in.
      const person = await personWithBrowser();
      await person.page.goto(link);
      assert.equal((await person.page.textContent('#enrol-user-code'))?.trim(), newCode);
      await person.page.fill('#field-name', 'Mein Schlüssel');
      await Promise.all([person.page.waitForURL('**/auth/keys'), person.page.click('#enrol-form button[type="submit"]')]);
      assert.match((await person.page.textContent('main'))!, /Schlüssel erfolgreich registriert/);
      assert.equal(await person.page.inputValue('#keys-table input[name="name"]'), 'Mein Schlüssel');
      assert.equal(await signedInAs(person.page), 'Neue Person');
      // … and sees who made the link and added the key through it.
      await person.page.goto('/auth/keys');
      const history = (await person.page.textContent('#key-history'))!;
      assert.match(history, /Registrierungslink erstellt von Key Managerin am /);
      assert.match(history, /Schlüssel „Mein Schlüssel“ hinzugefügt über den Registrierungslink von Key Managerin am /);

      // The link worked once.
      const reused = await person.page.goto(link);
      assert.equal(reused?.status(), 404);

      // 3. Logout, then log in again with code + key.
      await logout(person.page);
      assert.equal(await signedInAs(person.page), null);
      await loginWithCode(person.page, newCode.toLowerCase(), '/auth/keys');
      assert.equal(await signedInAs(person.page), 'Neue Person');

      // 4. Logout, then the passkey quick login without the code.
      await logout(person.page);
      await person.page.goto('/auth/login-user?next=%2Fauth%2Fsessions');
      await Promise.all([person.page.waitForURL('**/auth/sessions'), person.page.click('#passkey-form button[type="submit"]')]);
      assert.equal(await signedInAs(person.page), 'Neue Person');
      const key = await db
        .selectFrom('auth_credentials')
        .innerJoin('users', 'users.id', 'auth_credentials.user_id')
        .select(['auth_credentials.last_used_at'])
        .where('users.user_code', '=', newCode)
        .executeTakeFirstOrThrow();
      assert.ok(key.last_used_at, 'the key records its last use');

      // 5. A wrong key: someone else's browser/key cannot answer for this code.
      const intruder = await personWithBrowser();
      const intruderLink = await transaction(db, async (tx) => {
        const user = await createUser(tx, { displayName: 'Eindringling' });
        return enrolmentPath((await issueEnrolmentToken(tx, user.id, null)).token);
      });
      await intruder.page.goto(intruderLink);
      await Promise.all([intruder.page.waitForURL('**/auth/keys'), intruder.page.click('#enrol-form button[type="submit"]')]);
      await logout(intruder.page);
      await intruder.page.goto('/auth/login-user');
      await intruder.page.fill('#field-user_code', newCode);
      await intruder.page.click('#login-form button[type="submit"]');
      assert.match(await errorShown(intruder.page), /abgebrochen|nicht erkannt|fehlgeschlagen/);
      assert.equal(await signedInAs(intruder.page), null);

      // … and a key the server no longer accepts (deleted on the server) is refused by the server.
      await db.deleteFrom('auth_credentials').where('user_id', 'in', db.selectFrom('users').select('id').where('display_name', '=', 'Eindringling')).execute();
      await intruder.page.goto('/auth/login-user');
      await intruder.page.click('#passkey-form button[type="submit"]');
      assert.match(await errorShown(intruder.page), /Anmeldung ist fehlgeschlagen/);
      assert.equal(await signedInAs(intruder.page), null);

      // 6. A code-only attempt (no JavaScript, so no key) is refused.
      const noScript = await personWithBrowser({ javaScript: false });
      await noScript.page.goto('/auth/login-user');
      await noScript.page.fill('#field-user_code', newCode);
      const refused = await Promise.all([noScript.page.waitForNavigation(), noScript.page.click('#login-form button[type="submit"]')]).then(([r]) => r);
      assert.equal(refused?.status(), 400);
      assert.match((await noScript.page.textContent('main'))!, /nur mit einem Sicherheitsschlüssel möglich/);
      await noScript.page.goto('/auth/keys');
      assert.match(noScript.page.url(), /\/auth\/login-user/);

      for (const c of [manager, person, intruder, noScript]) await c.context.close();
    });
  },
  {
    settings: async () => {
      site = await reserveOrigin();
      return { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGIN: site.origin };
    },
  },
);
