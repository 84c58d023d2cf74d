import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { describeEachBackend } from '../../test/support/harness.js';
import { groupCommitOf } from '../core/db/group-commit.js';
import { setReadCacheClock } from '../core/db/read-cache.js';
import { appendOrderSection, setSectionSignals, updateSection } from './services/content.js';
import { PAGE_VIEWS, chooseOrder, hashIp } from './services/pages.js';
import { SIGNALS } from './services/signal-batch.js';
import { order, section, sendSignal, visit } from './testing/fixtures.js';

const sessionRow = (db: ReturnType<typeof dbOf>, id: string) => db.selectFrom('web_sessions').select(['id', 'score', 'total_interaction_ms']).where('id', '=', id).executeTakeFirst();
const dbOf = (h: Parameters<Parameters<typeof describeEachBackend>[1]>[0]) => h().system.context.db.kysely;

describeEachBackend('website caches: an admin save shows on the next page', (h) => {
  const db = () => dbOf(h);
  let a: string;
  let b: string;
  let start: string;
  let now = 0;

  before(async () => {
    setReadCacheClock(() => now);
    a = await section(db(), 'Cache A', { html: '<section><h2>Alpha</h2></section>', signals: ['revealed'] });
    b = await section(db(), 'Cache B', { html: '<section><h2>Beta</h2></section>' });
    start = await order(db(), 'Cache-Start', [a]);
  });
  after(() => setReadCacheClock(null));

  it('a section added to the order, new signal options and new HTML show at once (same process)', async () => {
    const app = await h().app();
    assert.doesNotMatch((await visit(app)).response.body, /Beta/);
    await appendOrderSection(db(), start, b);
    const page = await visit(app);
    assert.match(page.response.body, /Alpha[\s\S]*Beta/);
    const signal = await sendSignal(app, `/signal/${page.sessionId}/${b}/click/`, page.token);
    assert.equal(signal.statusCode, 200, 'a signal finds the new section on the session’s page');
    await setSectionSignals(db(), b, ['click', 'mouseleave']);
    assert.match((await visit(app)).response.body, new RegExp(`data-section-id="${b}" data-signals="click mouseleave"`));
    await updateSection(db(), b, { html: '<section><h2>Beta neu</h2></section>' });
    assert.match((await visit(app)).response.body, /Beta neu/);
  });

  it('a change made by another process (not seen by this one) shows once the cache entry is a second old', async () => {
    const app = await h().app();
    const other = await order(db(), 'Cache-Other', [b]);
    assert.equal((await chooseOrder(db(), () => 0)).probability, 0.5, 'two active orders');
    // Another process: a raw statement, which this process's write watch does not see.
    await sql`update web_section_orders set is_active = ${sql.lit(false)} where id = ${other}`.execute(db());
    assert.equal((await chooseOrder(db(), () => 0)).probability, 0.5, 'still the cached list');
    now += 1001;
    for (const r of [0, 0.5, 0.99]) assert.equal((await chooseOrder(db(), () => r)).orderId, start);
    assert.match((await visit(app)).response.body, /Beta neu/);
  });
});

describeEachBackend('website group commit: page views and signals share transactions', (h) => {
  const db = () => dbOf(h);
  let a: string;
  let orderId: string;

  before(async () => {
    a = await section(db(), 'Batch A', { signals: ['revealed', 'mouseleave'] });
    orderId = await order(db(), 'Batch', [a]);
  });

  it('a signal sent right after its page finds the session, also when many visitors arrive at once', async () => {
    const app = await h().app();
    const writer = groupCommitOf(db(), PAGE_VIEWS);
    const before = writer.stats.batches;
    const pages = await Promise.all(Array.from({ length: 12 }, () => visit(app)));
    assert.ok(writer.stats.batches - before < 12, 'some page views shared a batch');
    const signals = await Promise.all(pages.map((p) => sendSignal(app, `/signal/${p.sessionId}/${a}/revealed/`, p.token)));
    assert.deepEqual(signals.map((s) => s.statusCode), pages.map(() => 200));
    for (const p of pages) assert.equal(Number((await sessionRow(db(), p.sessionId))?.score), 5);
    assert.equal(Number((await db().selectFrom('web_section_scores').select('score').where('section_id', '=', a).executeTakeFirstOrThrow()).score), 5 * pages.length);
  });

  it('a failing row in a batch of page views does not lose the others', async () => {
    const writer = groupCommitOf(db(), PAGE_VIEWS);
    const view = (order: string) => ({ ipHash: hashIp('x', '10.0.0.1'), isBot: false, site: 'New_Index', choice: { orderId: order, probability: 1, allocationId: null } });
    const outcomes = await Promise.allSettled([writer.submit(view(orderId)), writer.submit(view(randomUUID())), writer.submit(view(orderId))]);
    assert.equal(outcomes[1]!.status, 'rejected', 'the view of an order that does not exist fails');
    for (const i of [0, 2]) {
      const outcome = outcomes[i]!;
      assert.equal(outcome.status, 'fulfilled');
      assert.ok(await sessionRow(db(), (outcome as PromiseFulfilledResult<{ sessionId: string }>).value.sessionId), 'its session was written');
    }
  });

  it('a refused signal in a batch (replay, unknown session) leaves the others, mouseleave time adds up within a batch', async () => {
    const app = await h().app();
    const page = await visit(app);
    const writer = groupCommitOf(db(), SIGNALS);
    const signal = (type: 'revealed' | 'mouseleave', sessionId = page.sessionId) => ({ sessionId, sectionId: a, type, interactionSeconds: 0.25, now: new Date(Date.now() + 60_000) });
    const outcomes = await Promise.allSettled([
      writer.submit(signal('revealed')),
      writer.submit(signal('revealed')),
      writer.submit(signal('mouseleave', randomUUID())),
      writer.submit(signal('mouseleave')),
      writer.submit(signal('mouseleave')),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
    assert.match(String((outcomes[1] as PromiseRejectedResult).reason.message), /already recorded/);
    const row = await sessionRow(db(), page.sessionId);
    assert.equal(Number(row?.score), 5);
    assert.equal(Number(row?.total_interaction_ms), 500);
  });
});
