import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { heartbeat, recordSignal, signalToken, visitorCategory } from './services/signals.js';
import { order, section, sendSignal, visit } from './testing/fixtures.js';
import type { Visit } from './testing/fixtures.js';

const BOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

describeEachBackend('website signals: score effects, protection, bots', (h) => {
  const db = () => h().system.context.db.kysely;
  let a: string;
  let b: string;
  let outside: string;

  const sectionScore = async (id: string) => Number((await db().selectFrom('web_section_scores').select('score').where('section_id', '=', id).executeTakeFirst())?.score ?? 0);
  const session = (id: string) => db().selectFrom('web_sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const signalRows = async () => Number((await db().selectFrom('web_session_signals').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  /** Everything a signal could change, to prove a refused one changed nothing. */
  const snapshot = async (v: Visit) => ({ rows: await signalRows(), a: await sectionScore(a), b: await sectionScore(b), session: await session(v.sessionId) });
  const post = (v: Visit, sectionId: string, type: string, payload: unknown = {}, headers: Record<string, string> = {}) =>
    h()
      .app()
      .then((app) => sendSignal(app, `/signal/${v.sessionId}/${sectionId}/${type}/`, v.token, payload, headers));

  before(async () => {
    a = await section(db(), 'A', { signals: ['revealed', 'click', 'vote'] });
    b = await section(db(), 'B', { signals: ['mouseleave', 'mouseenter_once'] });
    outside = await section(db(), 'Nicht auf der Seite');
    await order(db(), 'A-B', [a, b]);
  });

  it('every signal type has the original’s effect, once per session and section', async () => {
    const v = await visit(await h().app());
    assert.ok(v.sessionId && v.token);
    const expect = async (sectionId: string, type: string, sectionDelta: number, sessionDelta: number, payload: unknown = {}) => {
      const before = await snapshot(v);
      const response = await post(v, sectionId, type, payload);
      assert.equal(response.statusCode, 200, `${type}: ${response.body}`);
      const after = await snapshot(v);
      assert.equal((sectionId === a ? after.a - before.a : after.b - before.b), sectionDelta, `${type} section`);
      assert.equal(Number(after.session.score) - Number(before.session.score), sessionDelta, `${type} session`);
      assert.equal(after.rows, before.rows + 1, `${type} stores one row`);
    };
    await expect(a, 'revealed', 5, 5);
    assert.equal((await db().selectFrom('web_session_shown_sections').select('section_id').where('session_id', '=', v.sessionId).execute()).length, 1);
    await expect(b, 'mouseenter_once', 1, 1);
    await expect(a, 'click', 20, 20);
    await expect(a, 'upvote', 30, 30);
    await expect(a, 'downvote', -60, -60);
    await expect(a, 'upvote', 60, 60);
    await expect(b, 'mouseleave', 0, 0, { interaction_time: 0.01 });
    for (const [sectionId, type] of [[a, 'revealed'], [a, 'click'], [b, 'mouseenter_once'], [a, 'upvote']] as const) {
      const before = await snapshot(v);
      const replay = await post(v, sectionId, type);
      assert.equal(replay.statusCode, 409, `replayed ${type}`);
      assert.equal(replay.json().error.code, 'already_recorded');
      assert.deepEqual(await snapshot(v), before, `replayed ${type} wrote nothing`);
    }
  });

  it('mouseleave adds interaction time, never more than the session has existed', async () => {
    const v = await visit(await h().app());
    const started = Date.parse((await session(v.sessionId)).started_at);
    await recordSignal(db(), { sessionId: v.sessionId, sectionId: b, type: 'mouseleave', interactionSeconds: 2, now: new Date(started + 10_000) });
    assert.equal(Number((await session(v.sessionId)).total_interaction_ms), 2000);
    await recordSignal(db(), { sessionId: v.sessionId, sectionId: b, type: 'mouseleave', interactionSeconds: 3600, now: new Date(started + 10_000) });
    assert.equal(Number((await session(v.sessionId)).total_interaction_ms), 10_000);
  });

  it('the heartbeat adds 5 s, but not faster than real time', async () => {
    const v = await visit(await h().app());
    const started = Date.parse((await session(v.sessionId)).started_at);
    assert.equal((await heartbeat(db(), { sessionId: v.sessionId, now: new Date(started) })).durationSeconds, 5);
    await assert.rejects(heartbeat(db(), { sessionId: v.sessionId, now: new Date(started + 1000) }), (e: Error & { statusCode?: number }) => e.statusCode === 409);
    assert.equal((await heartbeat(db(), { sessionId: v.sessionId, now: new Date(started + 5000) })).durationSeconds, 10);
    assert.equal((await session(v.sessionId)).duration_seconds, 10);
    const app = await h().app();
    const fresh = await visit(app);
    const first = await sendSignal(app, `/session_is_active_signal/${fresh.sessionId}`, fresh.token);
    assert.equal(first.statusCode, 200);
    assert.equal(first.json().duration_seconds, 5);
    const tooSoon = await sendSignal(app, `/session_is_active_signal/${fresh.sessionId}`, fresh.token);
    assert.equal(tooSoon.statusCode, 409);
    assert.equal((await session(fresh.sessionId)).duration_seconds, 5);
    const forged = await sendSignal(app, `/session_is_active_signal/${fresh.sessionId}`, v.token);
    assert.equal(forged.statusCode, 403);
  });

  it('forged and invalid signals: 4xx JSON and no write', async () => {
    const app = await h().app();
    const v = await visit(app);
    const other = await visit(app);
    const unknownSession = '0f0f0f0f-0000-4000-8000-000000000000';
    const cases: Array<[string, () => ReturnType<typeof post>, number]> = [
      ['no token', () => h().app().then((x) => sendSignal(x, `/signal/${v.sessionId}/${a}/click/`, null)), 403],
      ['another session’s token', () => h().app().then((x) => sendSignal(x, `/signal/${v.sessionId}/${a}/click/`, other.token)), 403],
      ['made-up token', () => h().app().then((x) => sendSignal(x, `/signal/${v.sessionId}/${a}/click/`, 'x'.repeat(43))), 403],
      ['foreign origin', () => post(v, a, 'click', {}, { origin: 'https://evil.example' }), 403],
      ['unknown type', () => post(v, a, 'purchase'), 400],
      ['end_of_session is not a signal type', () => post(v, a, 'end_of_session_sections'), 400],
      ['section not a uuid', () => post(v, 'abc', 'click'), 400],
      ['section id with SQL', () => post(v, "1' or '1'='1", 'click'), 400],
      ['session not a uuid', () => h().app().then((x) => sendSignal(x, `/signal/nope/${a}/click/`, v.token)), 400],
      ['unknown session with its own valid token', () => h().app().then((x) => sendSignal(x, `/signal/${unknownSession}/${a}/click/`, signalToken(h().settings.secretKey, unknownSession))), 404],
      ['section not on the page', () => post(v, outside, 'click'), 404],
      ['broken JSON', () => post(v, a, 'click', '{"x":'), 400],
      ['mouseleave without time', () => post(v, b, 'mouseleave', {}), 400],
      ['mouseleave with a negative time', () => post(v, b, 'mouseleave', { interaction_time: -5 }), 400],
      ['mouseleave with a string time', () => post(v, b, 'mouseleave', { interaction_time: '1e9' }), 400],
      ['mouseleave with a huge time', () => post(v, b, 'mouseleave', { interaction_time: 1e9 }), 400],
    ];
    for (const [name, send, status] of cases) {
      const before = await snapshot(v);
      const response = await send();
      assert.equal(response.statusCode, status, `${name}: ${response.body}`);
      assert.match(String(response.headers['content-type']), /application\/json/, name);
      assert.ok(response.json().error.code, name);
      assert.deepEqual(await snapshot(v), before, `${name} wrote nothing`);
    }
  });

  it('bots: their sessions and requests change no score', async () => {
    const app = await h().app();
    const bot = await visit(app, { 'user-agent': BOT_UA });
    assert.equal(bot.response.statusCode, 200);
    assert.equal((await session(bot.sessionId)).is_bot, true);
    const human = await visit(app);
    const before = { bot: await snapshot(bot), human: await snapshot(human) };
    for (const type of ['revealed', 'click', 'upvote']) {
      const response = await post(bot, a, type);
      assert.equal(response.statusCode, 200);
      assert.equal(response.json().recorded, false);
      const disguised = await post(human, a, type, {}, { 'user-agent': BOT_UA });
      assert.equal(disguised.json().recorded, false);
    }
    const scrolled = await sendSignal(app, `/end_of_session_sections/${bot.sessionId}/${b}`, bot.token, {});
    assert.equal(scrolled.statusCode, 200);
    assert.deepEqual({ bot: await snapshot(bot), human: await snapshot(human) }, before);
  });

  it('rate limit per session: 429 JSON after 120 signals a minute', async () => {
    const app = await h().app();
    const v = await visit(app);
    let last;
    for (let i = 0; i < 121; i++) last = await sendSignal(app, `/signal/${v.sessionId}/${a}/purchase/`, v.token);
    assert.equal(last!.statusCode, 429);
    assert.equal(last!.json().error.code, 'rate_limited');
    const other = await visit(app);
    assert.equal((await post(other, a, 'click')).statusCode, 200, 'another session still has its budget');
  });

  it('visitor categories as in the original', () => {
    assert.equal(visitorCategory(0, 0, 0), 'fast_and_not_engaged');
    assert.equal(visitorCategory(40, 4, 0), 'slow_and_not_engaged');
    assert.equal(visitorCategory(12, 4, 50), 'fast_and_engaged');
    assert.equal(visitorCategory(300, 10, 0), 'slow_and_engaged');
  });
});
