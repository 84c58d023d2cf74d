import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { DB } from '../core/db/connection.js';
import { transaction } from '../core/db/transaction.js';
import type { Tx } from '../core/db/transaction.js';
import { HttpError } from '../core/http/errors.js';
import { recordConversion } from '../nadooit_website/services/signals.js';
import './models.js';

/** What asking a question adds to the session's score (as in the original). */
export const QUESTION_POINTS = 100;
/** More questions than this from one session are refused (a form, not a chat). */
export const MAX_QUESTIONS_PER_SESSION = 5;
export const MAX_QUESTION_LENGTH = 2000;

/**
 * Stores a visitor's question and scores the session +100 — both in one transaction. Bots' sessions and
 * requests store nothing. Refused: unknown session (404), too many questions from the session (429).
 */
export async function askQuestion(db: DB, input: { sessionId: string; question: string; isBot?: boolean }): Promise<{ id: string | null; scored: boolean }> {
  const question = input.question.trim();
  if (question.length < 3 || question.length > MAX_QUESTION_LENGTH) throw new HttpError(400, 'bad_request', `A question has 3 to ${MAX_QUESTION_LENGTH} characters`);
  return transaction(db, async (tx) => {
    const { scored } = await recordConversion(tx, { sessionId: input.sessionId, goal: 'question_asked', points: QUESTION_POINTS, isBot: input.isBot });
    if (!scored) return { id: null, scored: false };
    const asked = await tx
      .selectFrom('qa_questions')
      .select(sql<number>`count(*)`.as('n'))
      .where('session_id', '=', input.sessionId)
      .executeTakeFirstOrThrow();
    if (Number(asked.n) >= MAX_QUESTIONS_PER_SESSION) throw new HttpError(429, 'too_many_questions', 'This visit has asked enough questions');
    const id = randomUUID();
    const at = new Date().toISOString();
    await tx.insertInto('qa_questions').values({ id, session_id: input.sessionId, question, answer: null, is_published: false, answered_by_user_id: null, answered_at: null, created_at: at, updated_at: at }).execute();
    return { id, scored: true };
  });
}

/** Staff answer (and optionally publish) a question; publishing needs an answer. */
export async function answerQuestion(db: Tx, input: { id: string; answer: string | null; publish: boolean; staffUserId: string }): Promise<void> {
  const answer = input.answer?.trim() || null;
  if (input.publish && !answer) throw new HttpError(422, 'unprocessable', 'Only answered questions can be published');
  const current = await db.selectFrom('qa_questions').select(['answer', 'answered_at']).where('id', '=', input.id).executeTakeFirst();
  if (!current) throw new HttpError(404, 'not_found', 'No such question');
  const at = new Date().toISOString();
  const changedAnswer = (current.answer ?? null) !== answer;
  await db
    .updateTable('qa_questions')
    .set({
      answer,
      is_published: input.publish,
      ...(changedAnswer ? { answered_by_user_id: answer ? input.staffUserId : null, answered_at: answer ? at : null } : {}),
      updated_at: at,
    })
    .where('id', '=', input.id)
    .execute();
}

export interface FaqEntry {
  id: string;
  question: string;
  answer: string;
}

/** The published questions with their answers, newest answer first. */
export async function publishedFaq(db: DB, limit = 200): Promise<FaqEntry[]> {
  const rows = await db
    .selectFrom('qa_questions')
    .select(['id', 'question', 'answer'])
    .where('is_published', '=', true)
    .where('answer', 'is not', null)
    .orderBy('answered_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, question: r.question, answer: r.answer! }));
}
