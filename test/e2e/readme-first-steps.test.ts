/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { generate } from 'otplib';
import { addVirtualAuthenticator, newContext, useBrowser, watchProblems } from '../support/browser.js';
import { REPO, freePort, run, start, waitFor } from '../deploy/support.js';
import type { Process } from '../deploy/support.js';

/**
 * A newcomer following README.md on a fresh data directory, with nothing configured: `npm run dev`, the
 * address the README names, the setup link from the log, `npm run manage -- demo`, the manager's key
 * link, the dashboard. Only what the README shows: no DEBUG, no SECRET_KEY, no other variable set (the
 * data, media and static folders are redirected into a temp folder, and the port is a free one).
 */
const README = readFileSync(path.join(REPO, 'README.md'), 'utf8');
const browser = useBrowser();

/** The environment of a fresh shell: nothing of this project configured. */
function freshShell(root: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const project = /^(DEBUG|SECRET_KEY|DATABASE_URL|REDIS_URL|CELERY_BROKER_URL|COCKROACH_.*|WEBAUTHN_.*|INSECURE_DEV_LOGIN|ALLOWED_HOSTS|CSRF_TRUSTED_ORIGINS|HOST|PORT|DOMAIN|LOG_LEVEL|TEST_.*|LD_PRELOAD|FAKETIME.*)$/;
  for (const [key, value] of Object.entries(process.env)) if (!project.test(key)) env[key] = value;
  return { ...env, PORT: String(port), DATA_DIR: path.join(root, 'data'), MEDIA_ROOT: path.join(root, 'media'), STATIC_ROOT: path.join(root, 'static') };
}

/** The README's address with the test's port (the README's is 8000). */
function readmeAddress(port: number): string {
  const match = /open (http:\/\/[a-z0-9.]+):8000\//.exec(README);
  assert.ok(match, 'the README names the address to open');
  return `${match[1]}:${port}/`;
}

describe('README quick start in a browser', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'nadooit-readme-'));
  let server: Process | undefined;
  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('npm run dev → setup link → administrator; npm run manage -- demo → manager key link → dashboard with the demo data', async () => {
    try {
      await followReadme();
    } catch (error) {
      // What the server said is the first thing to read when a step fails.
      throw new Error(`${(error as Error).message}\n--- npm run dev said (last lines) ---\n${server?.output().slice(-4000) ?? ''}`, { cause: error });
    }
  });

  async function followReadme(): Promise<void> {
    const port = await freePort();
    const env = freshShell(root, port);
    assert.match(README, /npm ci && npm run dev/);
    server = start('npm', ['run', 'dev'], env);
    const site = readmeAddress(port);
    // `tsx watch` restarts the server when a source file changes (in a shared checkout, any time): wait for it.
    const up = () =>
      waitFor('the server (again)', async () => {
        const out = server!.output();
        return out.lastIndexOf('NADOO-IT listening') > out.lastIndexOf('Restarting') || undefined;
      }, 120_000);

    // The log prints the address and the one-time setup link on a line of its own, both at the README's address.
    const setupLink = await waitFor(
      'the setup link in the log',
      async () => [...server!.output().matchAll(/^ {4}(http\S+\/auth\/setup\?token=\S+)$/gm)].at(-1)?.[1],
      120_000,
    );
    assert.ok(setupLink.startsWith(site), `${setupLink} is at ${site}`);
    assert.ok(server.output().includes(`open ${site}`), 'the log names the address');
    assert.ok(!/^\{"level"/m.test(server.output()), 'development log lines are for people, not JSON');

    const admin = await newContext(browser(), {});
    const adminPage = await admin.newPage();
    const problems = watchProblems(adminPage);
    await up();
    await adminPage.goto(setupLink);
    await adminPage.fill('#field-username', 'admin');
    await adminPage.fill('#field-display_name', 'Ada Admin');
    await adminPage.fill('#field-email', 'ada@example.com');
    await adminPage.fill('#field-password', 'a long first-run passphrase');
    await adminPage.fill('#field-password_confirm', 'a long first-run passphrase');
    await Promise.all([adminPage.waitForURL('**/auth/staff-login/enrol'), adminPage.click('form button[type="submit"]')]);
    const secret = (await adminPage.textContent('#totp-secret'))!.trim();
    await adminPage.fill('#field-code', await generate({ secret }));
    await Promise.all([adminPage.waitForURL('**/auth/recovery-codes**'), adminPage.click('form[novalidate] button[type="submit"]')]);
    await Promise.all([adminPage.waitForURL('**/admin/'), adminPage.click('a.btn-primary')]);
    assert.ok(adminPage.url().startsWith(site));

    // `npm run manage -- demo` in a second shell, as the README shows it: no DEBUG, no SECRET_KEY.
    const demo = run('npm', ['run', '--silent', 'manage', '--', 'demo'], env, 240_000);
    const keyLink = /Sicherheitsschlüssel registrieren: (\S+)/.exec(demo)?.[1];
    assert.ok(keyLink?.startsWith(site), `the demo prints the manager's key link at ${site}: ${demo}`);
    const userCode = /Benutzercode (\S+) \(alle Rollen\)/.exec(demo)?.[1];

    const manager = await newContext(browser(), {});
    const page = await manager.newPage();
    problems.push(...watchProblems(page));
    await addVirtualAuthenticator(manager, page);
    await up();
    await page.goto(keyLink!);
    assert.equal((await page.textContent('#enrol-user-code'))?.trim(), userCode);
    await Promise.all([page.waitForURL('**/auth/keys'), page.click('#enrol-form button[type="submit"]')]);
    // From the keys page to the dashboard through the navigation.
    await Promise.all([page.waitForURL('**/nadooit-os/'), page.click('nav a[href="/nadooit-os/"]')]);
    assert.ok(page.url().startsWith(site));
    assert.match((await page.textContent('main'))!, /NADOOIT Demo GmbH/);
    await page.goto(`${site}nadooit-os/customer-program-execution/customer-order-overview`);
    await page.locator('[data-execution-id]').first().waitFor();

    // The address printed by the server's own listen line (127.0.0.1) leads to the same place.
    await page.goto(`http://127.0.0.1:${port}/nadooit-os/`);
    assert.ok(page.url().startsWith(site), `127.0.0.1 is sent to ${site}: ${page.url()}`);
    assert.deepEqual(problems, []);
    await admin.close();
    await manager.close();
  }
});
