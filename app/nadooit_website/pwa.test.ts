import assert from 'node:assert/strict';
import { it } from 'node:test';
import { newContext, serve, useBrowser } from '../../test/support/browser.js';
import { describeEachBackend } from '../../test/support/harness.js';

const browser = useBrowser();
const VISITOR_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

describeEachBackend('website PWA: manifest, service worker and offline page', (h) => {
  it('serves an installable manifest opening NADOOIT OS, the worker at the root and the offline page', async () => {
    const app = await h().app();
    const get = (url: string) => app.inject({ method: 'GET', url, headers: { host: 'localhost' } });
    const manifest = await get('/manifest.webmanifest');
    assert.equal(manifest.statusCode, 200);
    assert.match(String(manifest.headers['content-type']), /^application\/manifest\+json/);
    const body = manifest.json();
    assert.equal(body.start_url, '/nadooit-os/');
    assert.equal(body.scope, '/');
    assert.equal(body.display, 'standalone');
    assert.ok(body.icons.length > 0 && (await get(body.icons[0].src)).statusCode === 200, 'the icon exists');
    const worker = await get('/service-worker.js');
    assert.equal(worker.statusCode, 200);
    assert.match(String(worker.headers['content-type']), /^text\/javascript/);
    assert.equal(worker.headers['cache-control'], 'no-cache');
    for (const url of JSON.parse(/const PRECACHE = (\[.*\]);/.exec(worker.body)![1]!) as string[]) assert.equal((await get(url)).statusCode, 200, `${url} can be precached`);
    const offline = await get('/offline');
    assert.equal(offline.statusCode, 200);
    assert.match(offline.body, /Sie sind offline/);
    assert.doesNotMatch(offline.body, /<script|csrf/i, 'nothing session-bound is stored by the worker');
  });

  it('in Chromium the site registers the worker and its manifest; offline, NADOOIT OS shows the offline page', async () => {
    const origin = await serve(await h().app());
    const context = await newContext(browser(), { baseURL: origin, userAgent: VISITOR_UA });
    const page = await context.newPage();
    await page.goto('/', { waitUntil: 'networkidle' });
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    assert.equal(scope, `${origin}/`);
    const cdp = await context.newCDPSession(page);
    const { url, errors } = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[] };
    assert.equal(url, `${origin}/manifest.webmanifest`);
    assert.deepEqual(errors, []);
    await context.setOffline(true);
    await page.goto('/nadooit-os/');
    assert.match((await page.textContent('#offline h1')) ?? '', /Sie sind offline/);
    await context.setOffline(false);
    await context.close();
  });
});
