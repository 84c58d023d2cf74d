import { it } from 'node:test';
import assert from 'node:assert/strict';
import { newContext, PHONE, serve, sidewaysScroll, useBrowser, watchProblems } from '../../test/support/browser.js';
import { describeEachBackend } from '../../test/support/harness.js';
import { registeredRoutes } from '../../test/support/routes.js';

const browser = useBrowser();

type Spec = { paths: Record<string, Record<string, unknown>> };

/** "METHOD /path/{param}" for every operation of the document, or of the registered /api/v1 routes. */
const operationsOf = (spec: Spec) => Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));

describeEachBackend('/api/docs in Chromium', (h) => {
  // One server per suite: both browser tests open the same app.
  let listening: Promise<string> | undefined;
  const origin = async () => (listening ??= h().app().then(serve));
  // Bounded by the test's own timeout, not by a short wait: under load Swagger UI can take a while.
  it('renders every operation from local assets without CSP violations or failed requests', { timeout: 240_000 }, async () => {
    const app = await h().app();
    const spec = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as Spec;
    const documented = operationsOf(spec);
    // What the document must hold: every /api/v1 route the app really has, plus the legacy bot endpoints.
    const v1Routes = registeredRoutes(app)
      .filter((r) => r.url.startsWith('/api/v1/'))
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    const legacy = documented.filter((op) => !op.split(' ')[1]!.startsWith('/api/v1/'));
    assert.ok(v1Routes.length >= 15, `only ${v1Routes.length} /api/v1 routes registered`);
    assert.deepEqual(documented.filter((op) => !legacy.includes(op)).sort(), [...v1Routes].sort(), 'the document lists exactly the /api/v1 routes');
    assert.deepEqual(legacy.sort(), ['POST /api/executions', 'POST /api/users/check']);
    const expected = v1Routes.length + legacy.length;

    const context = await newContext(browser(), { baseURL: await origin() });
    const page = await context.newPage();
    const problems = watchProblems(page, { origin: await origin() });
    await page.goto('/api/docs', { waitUntil: 'load', timeout: 0 });
    await page.waitForFunction((n) => document.querySelectorAll('.opblock').length >= n, expected, { timeout: 0, polling: 250 });
    assert.equal(await page.locator('.opblock').count(), expected);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('carries the project name and one language, with a viewport and the CSP', async () => {
    const app = await h().app();
    const spec = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { info: { title: string; description: string }; components: { securitySchemes: Record<string, { description?: string }> } };
    assert.equal(spec.info.title, 'NADOO-IT API');
    assert.match(spec.info.description, /^The REST API of NADOO-IT/);
    // English throughout: no German words in the head the UI shows first.
    for (const text of [spec.info.description, ...Object.values(spec.components.securitySchemes).map((s) => s.description ?? '')]) {
      assert.doesNotMatch(text, /[äöüß]|Kunden|Buchung|Zeitkont|Anmeldung/, text);
    }
    const page = await app.inject({ method: 'GET', url: '/api/docs/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<title>NADOO-IT API<\/title>/);
    assert.match(page.body, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(page.body, /href="[^"]*theme\/nadooit\.css"/);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self';/);
    const css = await app.inject({ method: 'GET', url: '/api/docs/static/theme/nadooit.css' });
    assert.equal(css.statusCode, 200);
    assert.match(String(css.headers['content-type']), /^text\/css/);
  });

  it('fits a phone: at 390 px the page does not scroll sideways, with an operation opened', { timeout: 240_000 }, async () => {
    const context = await newContext(browser(), { baseURL: await origin(), viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const problems = watchProblems(page, { origin: await origin() });
    await page.goto('/api/docs', { waitUntil: 'load', timeout: 0 });
    await page.waitForSelector('.opblock', { timeout: 0 });
    assert.equal(await page.title(), 'NADOO-IT API');
    assert.equal(await page.evaluate(() => window.innerWidth), PHONE.width, 'laid out at the phone width (viewport), not shrunk from 980 px');
    assert.equal(await page.locator('.info .title').first().innerText().then((t) => t.startsWith('NADOO-IT API')), true);
    assert.deepEqual(await sidewaysScroll(page), []);
    // An opened operation (parameters, responses, schemas) still fits.
    await page.locator('.opblock-summary').first().click();
    await page.waitForSelector('.opblock-body');
    assert.deepEqual(await sidewaysScroll(page), []);
    const screenshots = process.env.DASHBOARD_SCREENSHOTS_DIR;
    if (screenshots) await page.screenshot({ path: `${screenshots}/phone-api-docs.png` });
    assert.deepEqual(problems, []);
    await context.close();
  });
});
