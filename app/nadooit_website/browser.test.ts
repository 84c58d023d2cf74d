import assert from 'node:assert/strict';
import { it } from 'node:test';
import { newContext, serve, useBrowser, watchProblems } from '../../test/support/browser.js';
import { describeEachBackend } from '../../test/support/harness.js';
import { order, section } from './testing/fixtures.js';

const browser = useBrowser();
/** Headless Chromium calls itself HeadlessChrome, which isbot rightly counts as a bot; a visitor's browser does not. */
const VISITOR_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

describeEachBackend('website in Chromium: signals from website.js, endless scroll through htmx, strict CSP', (h) => {
  const db = () => h().system.context.db.kysely;
  let served: string | undefined;
  const origin = async () => (served ??= await serve(await h().app()));

  it('a fresh install shows the welcome page without a console error or CSP violation', async () => {
    const context = await newContext(browser(), { baseURL: await origin(), userAgent: VISITOR_UA });
    const page = await context.newPage();
    const problems = watchProblems(page, { origin: await origin() });
    const revealed = page.waitForResponse((r) => r.url().includes('/revealed/') && r.request().method() === 'POST');
    await page.goto('/', { waitUntil: 'networkidle' });
    assert.match(await page.textContent('h1') ?? '', /Willkommen bei NADOOIT/);
    assert.equal((await revealed).status(), 200, 'the visible welcome section reports itself as seen');
    assert.equal(problems.length, 0, problems.join('\n'));
    await context.close();
  });

  it('seen, click and vote reach the server; scrolling to the end appends the next best section', async () => {
    const tall = (name: string, signals: Array<'revealed' | 'click' | 'vote'>) =>
      section(db(), name, { html: `<section class="py-5"><h2>${name}</h2>${'<p>Text</p>'.repeat(60)}</section>`, signals });
    const first = await tall('Oben', ['revealed', 'click', 'vote']);
    const last = await tall('Unten', ['revealed']);
    await section(db(), 'Nachgeladen', { html: '<section><h2 id="appended">Nachgeladen</h2></section>', categories: ['fast_and_engaged', 'fast_and_not_engaged'] });
    await db().updateTable('web_section_orders').set({ is_active: false }).execute();
    await order(db(), 'Browser', [first, last]);

    const context = await newContext(browser(), { baseURL: await origin(), userAgent: VISITOR_UA });
    const page = await context.newPage();
    const problems = watchProblems(page, { origin: await origin() });
    await page.goto('/', { waitUntil: 'networkidle' });
    const sessionId = await page.getAttribute('.web-page', 'data-session-id');
    assert.ok(sessionId);

    const click = page.waitForResponse((r) => r.url().includes(`/${first}/click/`));
    const upvote = page.waitForResponse((r) => r.url().includes(`/${first}/upvote/`));
    await page.click(`[data-section-id="${first}"] [data-vote="upvote"]`);
    assert.equal((await click).status(), 200);
    assert.equal((await upvote).status(), 200);
    assert.equal(await page.getAttribute(`[data-section-id="${first}"] [data-vote="upvote"]`, 'aria-pressed'), 'true');

    const more = page.waitForResponse((r) => r.url().includes(`/end_of_session_sections/${sessionId}/${last}`));
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    assert.equal((await more).status(), 200);
    await page.waitForSelector('#appended');

    // The question form of a section goes to the Q&A app with the page's token (no inline script needed).
    await page.evaluate(() => {
      const form = document.createElement('form');
      form.setAttribute('data-web-question', '');
      form.innerHTML = '<input name="question" value="Wie schnell geht das?"><p data-web-thanks hidden>Danke</p><button id="ask">Senden</button>';
      document.querySelector('.web-sections')!.append(form);
    });
    const asked = page.waitForResponse((r) => r.url().includes(`/your_question_we_answer/question/${sessionId}`));
    await page.click('#ask');
    assert.equal((await asked).status(), 200);
    await page.waitForSelector('[data-web-thanks]:not([hidden])');
    const score = await db().selectFrom('web_sessions').select('score').where('id', '=', sessionId!).executeTakeFirstOrThrow();
    assert.ok(Number(score.score) >= 20 + 30 + 10 + 100, `session score ${score.score}`);
    assert.equal(problems.length, 0, problems.join('\n'));
    await context.close();
  });
});
