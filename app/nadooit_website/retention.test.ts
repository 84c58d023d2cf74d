import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { askQuestion } from '../nadooit_questions_and_answers/services.js';
import { DELETE_OLD_VISITS_TASK } from './module.js';
import { startSession } from './services/pages.js';
import { recordSignal } from './services/signals.js';
import { deleteOldVisits } from './services/retention.js';
import { order, section } from './testing/fixtures.js';

const DAY = 86_400_000;

describeEachBackend(
  'website retention: visits and sessions older than WEBSITE_RETENTION_DAYS are deleted',
  (h) => {
    const db = () => h().system.context.db.kysely;
    const count = async (table: 'web_sessions' | 'web_visits' | 'web_session_signals' | 'web_session_shown_sections') =>
      Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    /** A session with a signal, made `daysAgo` days back. */
    async function visitAged(daysAgo: number, sectionId: string) {
      const s = await startSession(db(), { ipHash: null, isBot: false });
      await recordSignal(db(), { sessionId: s.sessionId, sectionId, type: 'revealed' });
      const at = new Date(Date.now() - daysAgo * DAY).toISOString();
      await db().updateTable('web_sessions').set({ started_at: at }).where('id', '=', s.sessionId).execute();
      await db().updateTable('web_visits').set({ visit_date: at }).where('id', '=', s.visitId).execute();
      return s;
    }

    it('deletes only what is older than the retention, with its signals; questions stay without their session', async () => {
      const sectionId = await section(db(), 'A', { signals: ['revealed'] });
      await order(db(), 'A', [sectionId]);
      const old = await visitAged(40, sectionId);
      await askQuestion(db(), { sessionId: old.sessionId, question: 'Alte Frage?' });
      await visitAged(10, sectionId);
      assert.deepEqual(await deleteOldVisits(db(), 0), { sessions: 0, visits: 0 }, '0 keeps everything');
      const removed = await deleteOldVisits(db(), 30);
      assert.deepEqual(removed, { sessions: 1, visits: 1 });
      assert.deepEqual([await count('web_sessions'), await count('web_visits'), await count('web_session_signals'), await count('web_session_shown_sections')], [1, 1, 1, 1]);
      const question = await db().selectFrom('qa_questions').select(['question', 'session_id']).executeTakeFirstOrThrow();
      assert.deepEqual(question, { question: 'Alte Frage?', session_id: null });
    });

    it('the scheduled task uses the WEBSITE_RETENTION_DAYS setting', async () => {
      assert.equal(h().settings.websiteRetentionDays, 7);
      const sectionId = (await db().selectFrom('web_sections').select('id').executeTakeFirstOrThrow()).id;
      await visitAged(8, sectionId);
      const before = await count('web_sessions');
      await h().system.context.queue.enqueue(DELETE_OLD_VISITS_TASK);
      assert.equal(await count('web_sessions'), before - 2, 'the 8- and 10-day-old sessions are gone');
    });
  },
  { settings: { WEBSITE_RETENTION_DAYS: '7' } },
);
