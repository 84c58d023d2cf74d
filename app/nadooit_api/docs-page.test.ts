import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { describeEachBackend } from '../../test/support/harness.js';

let browser: Browser;
before(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
});
after(async () => {
  await browser?.close();
});

describeEachBackend('/api/docs in Chromium', (h) => {
  it('renders every operation from local assets without CSP violations or failed requests', async () => {
    const app = await h().app();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
    page.on('request', (r) => !r.url().startsWith(`http://localhost:${port}/`) && !r.url().startsWith('data:') && problems.push(`external: ${r.url()}`));
    await page.goto(`http://localhost:${port}/api/docs`, { waitUntil: 'networkidle' });
    await page.waitForSelector('.opblock', { timeout: 15_000 });
    const spec = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(spec.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    assert.equal(await page.locator('.opblock').count(), operations);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
