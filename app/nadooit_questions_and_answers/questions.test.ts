import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { createStaff, staffLogin } from '../../test/e2e/admin-support.js';
import { sendSignal, visit } from '../nadooit_website/testing/fixtures.js';
import type { Visit } from '../nadooit_website/testing/fixtures.js';
import { MAX_QUESTIONS_PER_SESSION, QUESTION_POINTS } from './services.js';

const BOT_UA = 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)';

describeEachBackend('questions and answers: the question form, staff answers, the FAQ', (h) => {
  const db = () => h().system.context.db.kysely;
  const score = async (v: Visit) => Number((await db().selectFrom('web_sessions').select('score').where('id', '=', v.sessionId).executeTakeFirstOrThrow()).score);
  const questions = async () => Number((await db().selectFrom('qa_questions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const ask = async (v: Visit, payload: unknown, token: string | null = v.token, headers: Record<string, string> = {}) =>
    sendSignal(await h().app(), `/your_question_we_answer/question/${v.sessionId}`, token, payload, headers);

  it('a question is stored and scores the session +100', async () => {
    const v = await visit(await h().app());
    const response = await ask(v, { question: 'Was kostet ein digitaler Mitarbeiter?' });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { ok: true, recorded: true });
    assert.equal(await score(v), QUESTION_POINTS);
    const row = await db().selectFrom('qa_questions').selectAll().executeTakeFirstOrThrow();
    assert.deepEqual([row.session_id, row.question, row.is_published, row.answer], [v.sessionId, 'Was kostet ein digitaler Mitarbeiter?', false, null]);
  });

  it('forged, invalid, bot and excessive questions: 4xx (or ignored for bots) and no write', async () => {
    const app = await h().app();
    const v = await visit(app);
    const other = await visit(app);
    const bot = await visit(app, { 'user-agent': BOT_UA });
    const cases: Array<[string, () => ReturnType<typeof ask>, number]> = [
      ['no token', () => ask(v, { question: 'Hallo?' }, null), 403],
      ['another session’s token', () => ask(v, { question: 'Hallo?' }, other.token), 403],
      ['no question', () => ask(v, {}), 400],
      ['too short', () => ask(v, { question: ' a ' }), 400],
      ['not text', () => ask(v, { question: 42 }), 400],
      ['too long', () => ask(v, { question: 'x'.repeat(2001) }), 400],
      ['broken JSON', () => ask(v, '{"question":'), 400],
      ['session not a uuid', async () => sendSignal(app, '/your_question_we_answer/question/abc', v.token, { question: 'Hallo?' }), 400],
    ];
    for (const [name, send, status] of cases) {
      const before = [await questions(), await score(v)];
      const response = await send();
      assert.equal(response.statusCode, status, `${name}: ${response.body}`);
      assert.ok(response.json().error.code, name);
      assert.deepEqual([await questions(), await score(v)], before, `${name} wrote nothing`);
    }
    const before = await questions();
    const fromBot = await ask(bot, { question: 'Kaufen Sie Links?' });
    assert.deepEqual([fromBot.statusCode, fromBot.json().recorded], [200, false]);
    assert.equal(await questions(), before);
    assert.equal(await score(bot), 0);

    for (let i = 0; i < MAX_QUESTIONS_PER_SESSION; i++) assert.equal((await ask(other, { question: `Frage ${i}` })).statusCode, 200);
    const tooMany = await ask(other, { question: 'Noch eine Frage' });
    assert.equal(tooMany.statusCode, 429);
    assert.equal(await score(other), MAX_QUESTIONS_PER_SESSION * QUESTION_POINTS);
  });

  it('staff answer in the admin, publishing needs an answer; the FAQ shows published answers as text', async () => {
    const app = await h().app();
    const v = await visit(app);
    await ask(v, { question: 'Geht das auch <script>alert(1)</script> mit Excel?' });
    const id = (await db().selectFrom('qa_questions').select('id').where('session_id', '=', v.sessionId).executeTakeFirstOrThrow()).id;
    const staff = await createStaff(db(), h().settings, { superuser: true });
    const client = await staffLogin(app, staff);
    const refused = await client.post(`/admin/nadooit_questions_and_answers/questions/${id}/change`, { answer: '', is_published: 'on' });
    assert.equal(refused.statusCode, 422);
    assert.equal((await client.get('/faq')).body.includes('mit Excel'), false);
    const saved = await client.post(`/admin/nadooit_questions_and_answers/questions/${id}/change`, { answer: 'Ja, auch mit <b>Excel</b>.', is_published: 'on' });
    assert.equal(saved.statusCode, 303, saved.body);
    const row = await db().selectFrom('qa_questions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual([row.is_published, row.answered_by_user_id], [true, staff.id]);
    assert.ok(row.answered_at);
    const faq = await app.inject({ method: 'GET', url: '/faq', headers: { host: 'localhost' } });
    assert.equal(faq.statusCode, 200);
    assert.match(faq.body, /Geht das auch &lt;script>alert\(1\)&lt;\/script> mit Excel\?/);
    assert.match(faq.body, /Ja, auch mit &lt;b>Excel&lt;\/b>\./);
    assert.doesNotMatch(faq.body, /<script>alert/);
  });
});
