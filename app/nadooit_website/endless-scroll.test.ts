import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import type { Harness } from '../../test/support/harness.js';
import type { DB } from '../core/db/connection.js';
import { orderPluginIds, orderSectionIds } from './services/content.js';
import { order, section, sendSignal, visit } from './testing/fixtures.js';
import type { Visit } from './testing/fixtures.js';

interface Scene {
  h: () => Harness;
  db: () => DB;
  /** One start section; two candidates in the fast, not engaged category, one scored higher. */
  first: string;
  best: string;
  other: string;
  start: string;
  orderOf(sessionId: string): Promise<string>;
  orderCount(): Promise<number>;
  scroll(v: Visit, sectionId: string): ReturnType<typeof sendSignal>;
}

/**
 * One test in a database of its own: the next best section is chosen among all sections there, and the
 * extended orders one visitor makes are what another reuses, so tests must not share them.
 */
function scrollTest(title: string, test: (s: Scene) => Promise<void>): void {
  describeEachBackend(`website endless scroll: ${title}`, (h) => {
    const db = () => h().system.context.db.kysely;
    const s = {
      h,
      db,
      orderOf: async (sessionId: string) => (await db().selectFrom('web_sessions').select('order_id').where('id', '=', sessionId).executeTakeFirstOrThrow()).order_id,
      orderCount: async () => Number((await db().selectFrom('web_section_orders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
      scroll: async (v: Visit, sectionId: string) => sendSignal(await h().app(), `/end_of_session_sections/${v.sessionId}/${sectionId}`, v.token, {}),
    } as Scene;
    before(async () => {
      s.first = await section(db(), 'Start', { signals: ['revealed'] });
      s.best = await section(db(), 'Bester', { html: '<section><h2>Bester Abschnitt</h2></section>', categories: ['fast_and_not_engaged'], signals: ['click'] });
      s.other = await section(db(), 'Anderer', { categories: ['fast_and_not_engaged'] });
      await db().insertInto('web_section_scores').values({ id: crypto.randomUUID(), section_id: s.best, score: 100, experiment_group: 0 }).execute();
      s.start = await order(db(), 'Start', [s.first], { plugins: [{ name: 'Knopf', html: '<a class="plugin">x</a>' }] });
    });
    it(title, () => test(s));
  });
}

scrollTest('returns the best section with a fresh trigger, +10 for the session, and re-points the session to start + best', async ({ h, db, first, best, other, start, orderOf, scroll }) => {
  const v = await visit(await h().app());
  const response = await scroll(v, first);
  assert.equal(response.statusCode, 200);
  assert.match(response.body, /Bester Abschnitt/);
  assert.match(response.body, new RegExp(`data-section-id="${best}" data-signals="click" hx-post="/end_of_session_sections/${v.sessionId}/${best}"`));
  assert.match(response.body, /<div id="web-more-[0-9a-f]{8}" class="web-more" aria-hidden="true"><\/div>$/);
  const extended = await orderOf(v.sessionId);
  assert.notEqual(extended, start);
  assert.deepEqual(await orderSectionIds(db(), extended), [first, best]);
  assert.deepEqual(await orderPluginIds(db(), extended), await orderPluginIds(db(), start), 'plugins are kept');
  const row = await db().selectFrom('web_section_orders').selectAll().where('id', '=', extended).executeTakeFirstOrThrow();
  assert.deepEqual([row.is_active, row.parent_order_id], [false, start]);
  assert.equal(Number((await db().selectFrom('web_sessions').select('score').where('id', '=', v.sessionId).executeTakeFirstOrThrow()).score), 10);

  const replay = await scroll(v, first);
  assert.equal(replay.statusCode, 409);
  const next = await scroll(v, best);
  assert.match(next.body, new RegExp(`data-section-id="${other}"`));
  assert.deepEqual(await orderSectionIds(db(), await orderOf(v.sessionId)), [first, best, other]);
  const end = await scroll(v, other);
  assert.equal(end.statusCode, 200);
  assert.equal(end.body, '', 'no more sections: the placeholder is removed');
});

scrollTest('a second and third visitor taking the same path reuse the same orders', async ({ h, db, first, best, other, orderOf, orderCount, scroll }) => {
  const pioneer = await visit(await h().app()); // the first visitor on this path makes the extended orders
  assert.equal((await scroll(pioneer, first)).statusCode, 200);
  assert.equal((await scroll(pioneer, best)).statusCode, 200);
  const before = await orderCount();
  const paths: string[][] = [];
  for (let i = 0; i < 2; i++) {
    const v = await visit(await h().app());
    assert.equal((await scroll(v, first)).statusCode, 200);
    assert.equal((await scroll(v, best)).statusCode, 200);
    paths.push(await orderSectionIds(db(), await orderOf(v.sessionId)));
  }
  assert.deepEqual(paths, [[first, best, other], [first, best, other]]);
  assert.equal(await orderCount(), before, 'no new order');
});

scrollTest('concurrent scrolls of many visitors create the extended order once', async ({ h, db, first, best, orderOf, orderCount, scroll }) => {
  await db().updateTable('web_section_scores').set({ score: -1 }).where('section_id', '=', best).execute();
  const app = await h().app();
  const visitors = await Promise.all(Array.from({ length: 6 }, () => visit(app)));
  const before = await orderCount();
  const responses = await Promise.all(visitors.map((v) => scroll(v, first)));
  assert.ok(responses.every((r) => r.statusCode === 200));
  assert.equal(await orderCount(), before + 1);
  assert.equal(new Set(await Promise.all(visitors.map((v) => orderOf(v.sessionId)))).size, 1);
});

scrollTest('a trigger of a section that is not the last one, or not on the page, is refused', async ({ h, first, scroll }) => {
  const v = await visit(await h().app());
  await scroll(v, first);
  assert.equal((await scroll(v, first)).statusCode, 409);
  assert.equal((await scroll(v, crypto.randomUUID())).statusCode, 404);
  assert.equal((await sendSignal(await h().app(), `/end_of_session_sections/${v.sessionId}/${first}`, null, {})).statusCode, 403);
});
