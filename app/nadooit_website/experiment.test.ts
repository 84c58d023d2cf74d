import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { seededRandom } from './experiment/random.js';
import type { Random } from './experiment/random.js';
import { UPDATE_EXPERIMENT_TASK } from './module.js';
import { recomputeExperiment, shipWinner, startExperiment } from './services/experiment.js';
import { chooseOrder, startSession } from './services/pages.js';
import { HEARTBEAT_SECONDS, recordConversion } from './services/signals.js';
import { order, section, sendSignal, visit } from './testing/fixtures.js';

describeEachBackend('website experiment: Thompson sampling over the active orders', (h) => {
  const db = () => h().system.context.db.kysely;
  let orders: { a: string; b: string; c: string };
  /** The true conversion rates of the simulation: C is clearly better. */
  let rates: Map<string, number>;
  let experimentId: string;

  before(async () => {
    const one = await section(db(), 'Eins');
    const two = await section(db(), 'Zwei');
    const three = await section(db(), 'Drei');
    orders = { a: await order(db(), 'A', [one, two, three]), b: await order(db(), 'B', [two, one, three]), c: await order(db(), 'C', [three, one, two]) };
    rates = new Map([
      [orders.a, 0.04],
      [orders.b, 0.04],
      [orders.c, 0.3],
    ]);
  });

  /**
   * n visitors through the real page start; each converts with its order's rate, and all of them stayed
   * long enough for a heartbeat (written at once for the round: the heartbeat itself is tested elsewhere).
   */
  async function visitors(n: number, random: Random): Promise<Map<string, number>> {
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const s = await startSession(db(), { ipHash: null, isBot: false, random });
      seen.set(s.orderId, (seen.get(s.orderId) ?? 0) + 1);
      if (random() < rates.get(s.orderId)!) await recordConversion(db(), { sessionId: s.sessionId, goal: 'question_asked', points: 100 });
    }
    await db().updateTable('web_sessions').set({ duration_seconds: HEARTBEAT_SECONDS }).where('duration_seconds', '=', 0).execute();
    return seen;
  }

  it('splits evenly before the minimum sample, then moves traffic to the clearly better order, keeping the floor share', async () => {
    experimentId = await startExperiment(db(), { name: 'Reihenfolgen', goal: 'question_asked', minSessions: 25, floorPercent: 5 });
    const random = seededRandom('website-experiment-simulation');
    const first = await recomputeExperiment(db(), { random });
    assert.equal(first!.phase, 'burn_in');
    assert.deepEqual([...first!.shares.values()].map((s) => Math.round(s * 1000)), [333, 333, 333]);
    let last = first!;
    let lastSeen = new Map<string, number>();
    for (let round = 0; round < 6; round++) {
      lastSeen = await visitors(80, random);
      last = (await recomputeExperiment(db(), { random }))!;
    }
    assert.equal(last.phase, 'bandit');
    assert.ok(last.shares.get(orders.c)! > 0.85, `C gets most traffic (${last.shares.get(orders.c)})`);
    for (const other of [orders.a, orders.b]) assert.ok(last.shares.get(other)! >= 0.05 - 1e-6, 'every order keeps its floor share');
    assert.ok(lastSeen.get(orders.c)! > 60, 'the last round already sent most visitors to C');
    assert.ok((lastSeen.get(orders.a) ?? 0) + (lastSeen.get(orders.b) ?? 0) > 0, 'the others still get visitors');
    assert.equal(last.winner, orders.c, 'C is declared the winner');
    assert.equal(last.srmMismatch, false, 'an honest split passes the sample-ratio check');
  });

  it('chooseOrder uses the stored shares and stores the probability of the pick on the session', async () => {
    const shares = (await recomputeExperiment(db(), { random: seededRandom(1) }))!.shares;
    const ids = [...shares.keys()];
    const cumulative = (i: number) => ids.slice(0, i).reduce((sum, id) => sum + shares.get(id)!, 0);
    for (const [i, id] of ids.entries()) {
      const choice = await chooseOrder(db(), () => cumulative(i) + shares.get(id)! / 2);
      assert.equal(choice.orderId, id);
      assert.ok(Math.abs(choice.probability - shares.get(id)!) < 1e-6);
      assert.ok(choice.allocationId);
    }
    const started = await startSession(db(), { ipHash: null, isBot: false, random: () => cumulative(0) + 1e-9 });
    const row = await db().selectFrom('web_sessions').select(['assignment_ppm', 'assigned_order_id', 'allocation_id']).where('id', '=', started.sessionId).executeTakeFirstOrThrow();
    assert.equal(row.assigned_order_id, ids[0]);
    assert.equal(row.assignment_ppm, Math.round(shares.get(ids[0]!)! * 1_000_000));
    assert.ok(row.allocation_id);
  });

  it('a newly activated order gets an even split until the next run includes it', async () => {
    const extra = await order(db(), 'D', [(await db().selectFrom('web_sections').select('id').executeTakeFirstOrThrow()).id]);
    const choice = await chooseOrder(db(), () => 0);
    assert.equal(choice.probability, 0.25);
    assert.equal(choice.allocationId, null);
    await db().updateTable('web_section_orders').set({ is_active: false }).where('id', '=', extra).execute();
  });

  it('ship the winner ends the experiment: only the winner stays active and every visitor gets it', async () => {
    const winner = await shipWinner(db(), experimentId);
    assert.equal(winner, orders.c);
    const experiment = await db().selectFrom('web_experiments').select(['status', 'winner_order_id', 'ended_at']).where('id', '=', experimentId).executeTakeFirstOrThrow();
    assert.equal(experiment.status, 'shipped');
    assert.equal(experiment.winner_order_id, orders.c);
    assert.ok(experiment.ended_at);
    const active = await db().selectFrom('web_section_orders').select('id').where('is_active', '=', true).where('system_key', 'is', null).execute();
    assert.deepEqual(active.map((r) => r.id), [orders.c]);
    assert.deepEqual(await chooseOrder(db(), Math.random), { orderId: orders.c, probability: 1, allocationId: null });
    assert.equal(await recomputeExperiment(db()), null, 'the job has nothing to do without a running experiment');
    await assert.rejects(shipWinner(db(), experimentId), /already ended/);
  });
});

describeEachBackend('website experiment: sample ratio mismatch, no early winner, conversions', (h) => {
  const db = () => h().system.context.db.kysely;

  it('flags a split that does not match the shares and declares no winner while it does', async () => {
    const s = await section(db(), 'S');
    await order(db(), 'X', [s]);
    await order(db(), 'Y', [s]);
    const experimentId = await startExperiment(db(), { name: 'SRM', goal: 'meeting_request', minSessions: 5, floorPercent: 5 });
    await assert.rejects(startExperiment(db(), { name: 'Zweites', goal: 'question_asked' }), /already running/);
    const even = (await recomputeExperiment(db(), { random: seededRandom(2) }))!;
    assert.equal(even.srmPValue, null, 'nothing to test yet');
    await assert.rejects(shipWinner(db(), experimentId), /No order is best/);
    // Something upstream (a cache, a redirect, a broken client) sends 3 of 4 visitors to the first order.
    for (let i = 0; i < 160; i++) await startSession(db(), { ipHash: null, isBot: false, random: () => (i % 4 === 3 ? 0.99 : 0) });
    const skewed = (await recomputeExperiment(db(), { random: seededRandom(3) }))!;
    assert.equal(skewed.srmMismatch, true);
    assert.ok(skewed.srmPValue! < 0.001);
    assert.equal(skewed.winner, null);
    const stored = await db().selectFrom('web_experiment_allocations').select(['srm_mismatch', 'srm_p_ppm']).where('id', '=', skewed.allocationId).executeTakeFirstOrThrow();
    assert.equal(stored.srm_mismatch, true);
    assert.ok(Number(stored.srm_p_ppm) < 1000);
  });

  it('a meeting request is a conversion once per session (token required, replay 409, bots not counted)', async () => {
    const app = await h().app();
    const page = await visit(app);
    const url = `/conversion/${page.sessionId}/meeting_request`;
    assert.equal((await sendSignal(app, url, null)).statusCode, 403);
    assert.equal((await sendSignal(app, `/conversion/not-a-uuid/meeting_request`, page.token)).statusCode, 400);
    const first = await sendSignal(app, url, page.token);
    assert.equal(first.statusCode, 200);
    assert.deepEqual(first.json(), { ok: true, recorded: true });
    assert.equal((await sendSignal(app, url, page.token)).statusCode, 409);
    const goals = await db().selectFrom('web_session_conversions').select('goal').where('session_id', '=', page.sessionId).execute();
    assert.deepEqual(goals, [{ goal: 'meeting_request' }]);
    const bot = await visit(app, { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' });
    assert.deepEqual((await sendSignal(app, `/conversion/${bot.sessionId}/meeting_request`, bot.token)).json(), { ok: true, recorded: false });
    assert.equal((await db().selectFrom('web_session_conversions').select('id').where('session_id', '=', bot.sessionId).execute()).length, 0);
  });

  it('the scheduled task recomputes the shares through the queue', async () => {
    const before = await db().selectFrom('web_experiment_allocations').select('id').execute();
    await h().system.context.queue.enqueue(UPDATE_EXPERIMENT_TASK);
    const after = await db().selectFrom('web_experiment_allocations').select('id').execute();
    assert.equal(after.length, before.length + 1);
  });
});
