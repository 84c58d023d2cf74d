import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { newContext, serve, useBrowser, watchProblems } from '../../test/support/browser.js';
import { describeEachBackend } from '../../test/support/harness.js';
import { importTemplatesCommand } from './commands.js';

/**
 * The original's templates (a sample kept beside the project, never copied into it): read from
 * LEGACY_TEMPLATES_DIR or ../shared/fixtures/legacy-templates next to the checkout.
 */
const LEGACY = process.env.LEGACY_TEMPLATES_DIR ?? path.resolve(import.meta.dirname, '../../../shared/fixtures/legacy-templates');
const missing = existsSync(LEGACY) ? undefined : `the original's templates are not at ${LEGACY} (set LEGACY_TEMPLATES_DIR)`;
const VISITOR_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const browser = useBrowser();

describeEachBackend('website: the original templates imported into a fresh install, in Chromium', (h) => {
  it('after manage import_templates, / shows them with no template error, no console error, no CSP violation, no third-party request', { skip: missing }, async () => {
    const out: string[] = [];
    const err: string[] = [];
    await importTemplatesCommand.run({ positionals: [LEGACY], values: { 'dry-run': false, force: false } }, h().system.context, { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } as never);
    assert.match(out.at(-1)!, /^created 8, updated 0, overwritten 0, unchanged 0, conflicts 0/);
    assert.ok(out.some((l) => /^order "Startseite"/.test(l)), out.join('\n'));

    const origin = await serve(await h().app());
    const context = await newContext(browser(), { baseURL: origin, userAgent: VISITOR_UA });
    const page = await context.newPage();
    const problems = watchProblems(page, { origin });
    const response = await page.goto('/', { waitUntil: 'networkidle' });
    assert.equal(response?.status(), 200);
    const text = (await page.textContent('.web-sections')) ?? '';
    for (const heading of ['Willkommen bei Nadooit.de!', 'Wir digitalisieren Ihre Prozesse', 'Kontaktdaten', 'Stellen Sie Ihre Fragen hier']) assert.ok(text.includes(heading), `shows ${heading}`);
    assert.equal(await page.locator('.web-plugin #meeting-request-btn').count(), 1, 'the plugins are there');
    assert.equal(await page.locator('.web-section').count(), 6);
    const body = await page.content();
    assert.doesNotMatch(body, /\{%|\{\{/, 'every tag was understood');
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForLoadState('networkidle');
    assert.equal(problems.length, 0, problems.join('\n'));
    await context.close();
  });
});
