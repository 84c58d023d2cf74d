import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { createStaff, listedIds, staffLogin } from '../../test/e2e/admin-support.js';
import { websiteResources } from './admin.js';
import { Readable } from 'node:stream';
import { transaction } from '../core/db/transaction.js';
import { appendOrderPlugin, categoryIdsByName, createOrder, createPlugin, createSection, orderSectionIds, setSectionCategories, setSectionSignals } from './services/content.js';
import { storeFile } from './services/files.js';
import { intakeVideo } from './services/video-intake.js';
import { makeClip, useSmallLadder } from './video/testing/clips.js';
import { sendSignal, visit } from './testing/fixtures.js';
import { recomputeExperiment, startExperiment } from './services/experiment.js';

describeEachBackend('website admin: categories, sections, orders without plugins, the order editor, preview', (h) => {
  const db = () => h().system.context.db.kysely;

  it('staff build a page in the admin: category, sections, an order with up/down, and its preview', async () => {
    const app = await h().app();
    const client = await staffLogin(app, await createStaff(db(), h().settings, { superuser: true }));
    const category = await client.post('/admin/nadooit_website/categories/add', { name: 'neugierig <b>', _continue: '1' });
    assert.equal(category.statusCode, 303, category.body);
    assert.ok(await db().selectFrom('web_categories').select('id').where('name', '=', 'neugierig b').executeTakeFirst(), 'name sanitised');

    const sectionIds: string[] = [];
    for (const [name, html] of [
      ['Erster', '<section><h2>Erster</h2>{{ video }}</section>'],
      ['Zweiter', "<section><h2>Zweiter</h2>{% include 'x' %}</section>"],
    ]) {
      const created = await client.post('/admin/nadooit_website/sections/add', { name: name!, html: html!, _continue: '1' });
      assert.equal(created.statusCode, 303, created.body);
      sectionIds.push(/sections\/([0-9a-f-]{36})\/change/.exec(String(created.headers.location))![1]!);
    }
    const detail = await client.get(`/admin/nadooit_website/sections/${sectionIds[0]}/`);
    assert.equal(detail.statusCode, 200);
    assert.match(detail.body, /\{\{ video \}\} is in the HTML, but no video is chosen/);
    assert.match((await client.get(`/admin/nadooit_website/sections/${sectionIds[1]}/`)).body, /unsupported tag \{% include &#39;x&#39; %\} rendered as text/);

    const order = await client.post('/admin/nadooit_website/section_orders/add', { name: 'Testseite', is_active: 'on', _continue: '1' });
    assert.equal(order.statusCode, 303, order.body);
    const orderId = /section_orders\/([0-9a-f-]{36})\/change/.exec(String(order.headers.location))![1]!;
    for (const sectionId of sectionIds) {
      const added = await client.post('/admin/nadooit_website/order_sections/add', { order_id: orderId, section_id: sectionId });
      assert.equal(added.statusCode, 303, added.body);
    }
    assert.deepEqual(await orderSectionIds(db(), orderId), sectionIds);

    const editor = await client.get(`/admin/nadooit_website/section_orders/${orderId}/`);
    assert.equal(editor.statusCode, 200);
    assert.match(editor.body, new RegExp(`href="/website/preview/${orderId}"`));
    const down = /href="(\/admin\/nadooit_website\/order_sections\/action\?action=move_down&(?:amp;)?ids=[0-9a-f-]{36})"/.exec(editor.body)![1]!.replaceAll('&amp;', '&');
    assert.equal((await client.get(down)).statusCode, 200, 'the move asks for confirmation');
    const entry = new URL(down, 'http://x').searchParams.get('ids')!;
    const moved = await client.post('/admin/nadooit_website/order_sections/action', { action: 'move_down', ids: entry, confirm: '1' });
    assert.equal(moved.statusCode, 303);
    assert.equal(moved.headers.location, `/admin/nadooit_website/section_orders/${orderId}/`);
    assert.deepEqual(await orderSectionIds(db(), orderId), [sectionIds[1], sectionIds[0]]);

    const preview = await client.get(`/website/preview/${orderId}`);
    assert.equal(preview.statusCode, 200);
    assert.ok(preview.body.indexOf('Zweiter') < preview.body.indexOf('Erster'));
    assert.doesNotMatch(preview.body, /data-session-id=|hx-post="\/end_of_session/);
    const anonymous = await app.inject({ method: 'GET', url: `/website/preview/${orderId}`, headers: { host: 'localhost' } });
    assert.ok([302, 303].includes(anonymous.statusCode), String(anonymous.statusCode));
    assert.match(String(anonymous.headers.location), /^\/auth\/staff-login/);
    assert.equal((await client.get('/website/preview/not-a-uuid')).statusCode, 400);

    // A visitor now gets the order without plugins (the only active one).
    const v = await visit(app);
    assert.match(v.response.body, /Zweiter[\s\S]*Erster/);
  });

  it('every website model has a working list, CSV export, detail and (where allowed) add, change and delete page', async () => {
    const app = await h().app();
    // An order of its own (the built-in welcome page takes part in no experiment), a video and a download.
    await createOrder(db(), { name: 'Admin-Test', isActive: true, sectionIds: [await createSection(db(), { name: 'Willkommen', html: '<section>Hallo</section>' })] });
    const { context } = h().system;
    useSmallLadder(context.settings);
    assert.equal((await intakeVideo(context, makeClip({ seconds: 2 }), { title: 'Imagefilm', originalName: 'imagefilm.mp4' })).kind, 'created');
    await transaction(db(), (tx) =>
      storeFile(tx, context.settings, { name: 'Preisliste', originalName: 'preisliste.txt', contentType: 'text/plain', stream: Readable.from([Buffer.from('Preise\n')]), maxBytes: 1024 }),
    );
    const v = await visit(app);
    assert.equal((await app.inject({ method: 'GET', url: '/impressum', headers: { host: 'localhost' } })).statusCode, 200);
    const sectionId = (await db().selectFrom('web_sessions as s').innerJoin('web_order_sections as o', 'o.order_id', 's.order_id').select('o.section_id').where('s.id', '=', v.sessionId).executeTakeFirstOrThrow()).section_id;
    const orderId = (await db().selectFrom('web_sessions').select('order_id').where('id', '=', v.sessionId).executeTakeFirstOrThrow()).order_id;
    await appendOrderPlugin(db(), orderId, await createPlugin(db(), { name: 'Nach oben', html: '<a href="#top">hoch</a>' }));
    await setSectionSignals(db(), sectionId, ['revealed', 'vote']);
    await setSectionCategories(db(), sectionId, await categoryIdsByName(db(), ['fast_and_engaged']));
    for (const type of ['revealed', 'upvote']) assert.equal((await sendSignal(app, `/signal/${v.sessionId}/${sectionId}/${type}/`, v.token)).statusCode, 200);
    assert.equal((await sendSignal(app, `/conversion/${v.sessionId}/meeting_request`, v.token)).statusCode, 200);
    await startExperiment(db(), { name: 'Startseite', goal: 'meeting_request' });
    await recomputeExperiment(db());
    const client = await staffLogin(app, await createStaff(db(), h().settings, { superuser: true }));
    for (const resource of websiteResources) {
      const base = `/admin/${resource.app}/${resource.name}/`;
      const list = await client.get(base);
      assert.equal(list.statusCode, 200, `${base}: ${list.statusCode}`);
      assert.equal((await client.get(`${base}export.csv`)).statusCode, 200, `${base}export.csv`);
      if (resource.allow?.add !== false) assert.equal((await client.get(`${base}add`)).statusCode, 200, `${base}add`);
      const [id] = listedIds(list.body);
      if (resource.name !== 'section_transitions' && resource.name !== 'experiment_groups') assert.ok(id, `${base} lists a row`);
      if (!id) continue;
      assert.equal((await client.get(`${base}${id}/`)).statusCode, 200, `${base}${id}/`);
      if (resource.allow?.change !== false) assert.equal((await client.get(`${base}${id}/change`)).statusCode, 200, `${base}${id}/change`);
      if (resource.allow?.delete !== false) assert.ok([200, 409].includes((await client.get(`${base}${id}/delete`)).statusCode), `${base}${id}/delete`);
    }
  });
});
