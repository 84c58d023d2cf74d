import { it } from 'node:test';
import assert from 'node:assert/strict';
import { newContext, serve, useBrowser, watchProblems } from '../../test/support/browser.js';
import { describeEachBackend } from '../../test/support/harness.js';

const browser = useBrowser();

describeEachBackend('/api/docs in Chromium', (h) => {
  it('renders every operation from local assets without CSP violations or failed requests', async () => {
    const app = await h().app();
    const origin = await serve(app);
    const context = await newContext(browser(), { baseURL: origin });
    const page = await context.newPage();
    const problems = watchProblems(page, { origin });
    await page.goto('/api/docs', { waitUntil: 'networkidle' });
    await page.waitForSelector('.opblock', { timeout: 15_000 });
    const spec = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(spec.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    assert.equal(await page.locator('.opblock').count(), operations);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
