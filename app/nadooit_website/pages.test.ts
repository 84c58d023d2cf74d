import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { CONTENT_SECURITY_POLICY } from '../core/http/server.js';
import { sanitizeName, updateSection } from './services/content.js';
import { chooseOrder, hashIp } from './services/pages.js';
import { order, section, visit } from './testing/fixtures.js';

const count = async (db: ReturnType<typeof dbOf>, table: 'web_visits' | 'web_sessions' | 'web_section_orders') =>
  Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const dbOf = (h: Parameters<Parameters<typeof describeEachBackend>[1]>[0]) => h().system.context.db.kysely;

/** Every div opened in the page is closed again (the original left wrappers open). */
function balancedDivs(html: string): boolean {
  return (html.match(/<div[\s>]/g) ?? []).length === (html.match(/<\/div>/g) ?? []).length;
}

describeEachBackend('website: GET / on a fresh install', (h) => {
  it('answers 200 with the built-in welcome page, a Visit and a Session, no cookie, no inline code', async () => {
    const app = await h().app();
    const first = await visit(app);
    assert.equal(first.response.statusCode, 200);
    assert.match(first.response.body, /Willkommen bei NADOOIT/);
    assert.equal(first.response.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    assert.equal(first.response.headers['set-cookie'], undefined);
    assert.doesNotMatch(first.response.body, /<script(?![^>]*\bsrc=)[^>]*>/);
    assert.doesNotMatch(first.response.body, /<style|\sstyle=|\son[a-z]+=/);
    assert.ok(balancedDivs(first.response.body));
    const second = await visit(app);
    assert.notEqual(first.sessionId, second.sessionId);
    const db = dbOf(h);
    assert.equal(await count(db, 'web_visits'), 2);
    assert.equal(await count(db, 'web_sessions'), 2);
    assert.equal(await count(db, 'web_section_orders'), 1, 'the welcome order is made once');
    const session = await db.selectFrom('web_sessions').selectAll().where('id', '=', first.sessionId).executeTakeFirstOrThrow();
    assert.equal(session.assignment_ppm, 1_000_000);
    assert.equal(session.is_bot, false);
    assert.equal(session.ip_hash, hashIp(h().settings.secretKey, '127.0.0.1'));
    assert.ok(!String(session.ip_hash).includes('127.0.0.1'));
  });
});

describeEachBackend('website: page assembly from section orders', (h) => {
  const db = () => dbOf(h);
  let a: string;
  let b: string;
  let orderOne: string;
  let orderTwo: string;

  before(async () => {
    a = await section(db(), 'Erster Abschnitt', { html: '<section><h2>Eins</h2><p data-s="{{ session_id }}">{% url \'nadooit_website:missing\' %}</p></section>', signals: ['revealed', 'click', 'vote'] });
    b = await section(db(), 'Zweiter', { html: "<section><h2>Zwei</h2>{% include 'x.html' %}<b>{{ video|safe }}</b></section>", signals: ['mouseleave', 'mouseenter_once'] });
    orderOne = await order(db(), 'Eins-Zwei', [a, b], { plugins: [{ name: 'Nach oben', html: '<a class="plugin-up" href="#">hoch</a>' }] });
    orderTwo = await order(db(), 'Zwei-Eins', [b, a]);
    await order(db(), 'Inaktiv', [a], { active: false });
    await order(db(), 'Leer', [], { active: true });
  });

  it('chooses uniformly among active orders with sections and stores the probability', async () => {
    const picks = [0, 0.49, 0.5, 0.99].map((r) => chooseOrder(db(), () => r));
    const chosen = await Promise.all(picks);
    const ids = [orderOne, orderTwo].sort();
    assert.deepEqual(chosen.map((c) => c.orderId), [ids[0], ids[0], ids[1], ids[1]]);
    assert.ok(chosen.every((c) => c.probability === 0.5));
  });

  it('renders the wrappers, the endless-scroll trigger on the last section, plugins after it; injection stays text', async () => {
    const app = await h().app();
    let page;
    do page = await visit(app);
    while ((await db().selectFrom('web_sessions').select('order_id').where('id', '=', page.sessionId).executeTakeFirstOrThrow()).order_id !== orderOne);
    const html = page.response.body;
    assert.equal(page.response.statusCode, 200);
    assert.ok(balancedDivs(html));
    assert.match(html, new RegExp(`<div class="web-section" id="web-section-0" data-section-id="${a}" data-signals="click revealed vote">`));
    assert.match(html, /data-vote="upvote"/);
    assert.match(html, new RegExp(`data-s="${page.sessionId}"`));
    assert.match(html, new RegExp(`id="web-section-1" data-section-id="${b}" data-signals="mouseenter_once mouseleave" hx-post="/end_of_session_sections/${page.sessionId}/${b}" hx-trigger="revealed" hx-target="#web-more-1" hx-swap="outerHTML" hx-disinherit="\\*"`));
    assert.ok(html.indexOf('<div id="web-more-1" class="web-more" aria-hidden="true"></div>') < html.indexOf('plugin-up'));
    assert.match(html, /\{% include &#39;x.html&#39; %\}<b>\{\{ video\|safe \}\}<\/b>/);
    assert.doesNotMatch(html, /hx-post="\/end_of_session_sections\/[^"]+\/[^"]+"[^>]*data-section-id="?[^"]*"? *id="web-section-0"/);
    assert.match(html, /<p data-s="[^"]+">#<\/p>/, 'an unknown url name renders #');
  });

  it('a saved section shows its new HTML on the next page (cache invalidated)', async () => {
    await updateSection(db(), a, { html: '<section><h2>Eins neu</h2></section>' });
    const app = await h().app();
    let page;
    do page = await visit(app);
    while ((await db().selectFrom('web_sessions').select('order_id').where('id', '=', page.sessionId).executeTakeFirstOrThrow()).order_id !== orderOne);
    assert.match(page.response.body, /Eins neu/);
  });

  it('names are sanitised like the original (letters and digits of any script, . _ - space)', () => {
    assert.equal(sanitizeName('Über uns: <b>Größe</b> & "mehr".html'), 'Über uns bGrößeb  mehr.html');
    assert.equal(sanitizeName('Stellen_Sie_Ihre_Fragen._Wir-geben Antwort'), 'Stellen_Sie_Ihre_Fragen._Wir-geben Antwort');
  });

  it('deleting an order deletes its sessions and their signals; deleting a section its links and scores', async () => {
    const app = await h().app();
    const page = await visit(app);
    const session = await db().selectFrom('web_sessions').select('order_id').where('id', '=', page.sessionId).executeTakeFirstOrThrow();
    await db().deleteFrom('web_section_orders').where('id', '=', session.order_id).execute();
    assert.equal(await db().selectFrom('web_sessions').select('id').where('id', '=', page.sessionId).executeTakeFirst(), undefined);
    await db().deleteFrom('web_sections').where('id', '=', b).execute();
    assert.equal((await db().selectFrom('web_order_sections').select('id').where('section_id', '=', b).execute()).length, 0);
    assert.equal((await db().selectFrom('web_section_signal_options').select('id').where('section_id', '=', b).execute()).length, 0);
  });
});

describeEachBackend('website: Impressum and Datenschutz are editable content pages', (h) => {
  it('answer with their default text on a fresh install, write a Visit, and show what staff saved (tags as in sections)', async () => {
    const app = await h().app();
    const db = dbOf(h);
    const get = (url: string) => app.inject({ method: 'GET', url, headers: { host: 'localhost' } });
    const impressum = await get('/impressum');
    assert.equal(impressum.statusCode, 200);
    assert.match(impressum.body, /<h1>Impressum<\/h1>/);
    assert.equal(impressum.headers['set-cookie'], undefined);
    assert.match((await get('/datenschutz')).body, /Datenschutzerklärung/);
    assert.deepEqual((await db.selectFrom('web_visits').select('site').orderBy('visit_date').execute()).map((r) => r.site), ['Impressum', 'Datenschutz']);
    await db
      .updateTable('web_pages')
      .set({ html: "<h1>Impressum</h1><p>NADOOIT GmbH</p><a href=\"{% url 'nadooit_website:datenschutz' %}\">DS</a>{% include 'secret' %}", updated_at: new Date(Date.now() + 1000).toISOString() })
      .where('slug', '=', 'impressum')
      .execute();
    const edited = await get('/impressum');
    assert.match(edited.body, /<p>NADOOIT GmbH<\/p><a href="\/datenschutz">DS<\/a>\{% include &#39;secret&#39; %\}/);
    assert.equal(Number((await db.selectFrom('web_pages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), 2, 'made once each');
  });
});
