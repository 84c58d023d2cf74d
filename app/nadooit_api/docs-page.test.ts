import { it } from 'node:test';
import assert from 'node:assert/strict';
import { newContext, serve, useBrowser, watchProblems } from '../../test/support/browser.js';
import { describeEachBackend } from '../../test/support/harness.js';
import { registeredRoutes } from '../../test/support/routes.js';

const browser = useBrowser();

type Spec = { paths: Record<string, Record<string, unknown>> };

/** "METHOD /path/{param}" for every operation of the document, or of the registered /api/v1 routes. */
const operationsOf = (spec: Spec) => Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));

describeEachBackend('/api/docs in Chromium', (h) => {
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

    const origin = await serve(app);
    const context = await newContext(browser(), { baseURL: origin });
    const page = await context.newPage();
    const problems = watchProblems(page, { origin });
    await page.goto('/api/docs', { waitUntil: 'load', timeout: 0 });
    await page.waitForFunction((n) => document.querySelectorAll('.opblock').length >= n, expected, { timeout: 0, polling: 250 });
    assert.equal(await page.locator('.opblock').count(), expected);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
