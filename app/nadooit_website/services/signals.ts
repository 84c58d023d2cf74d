import { createHash, randomUUID } from 'node:crypto';
import { uuidv7 } from '../../core/ids.js';
import { sql } from 'kysely';
import type { DB } from '../../core/db/connection.js';
import type { Tx } from '../../core/db/transaction.js';
import { visitorWrite } from './signal-batch.js';
import { HttpError } from '../../core/http/errors.js';
import { hmac, safeEqual } from '../../core/http/tokens.js';
import type { SignalType } from '../models.js';
import { orderPluginIds, orderSectionIds } from './content.js';
import { recordGoal } from './experiment.js';
import type { ConversionGoal } from '../experiment/models.js';
import '../models.js';

/** Seconds one heartbeat adds to the session's duration (the page sends one every HEARTBEAT_SECONDS). */
export const HEARTBEAT_SECONDS = 5;
/** The longest single hover a mouseleave may report. */
export const MAX_INTERACTION_SECONDS = 3600;

/**
 * The per-session signal token: HMAC(SECRET_KEY, session id). The page hands it to its script, which sends
 * it in the X-Signal-Token header; without it no signal is accepted (instead of the original's CSRF exemption).
 */
export function signalToken(secret: string, sessionId: string): string {
  return hmac(secret, `nadooit_website.signal:${sessionId}`);
}

export function verifySignalToken(secret: string, sessionId: string, token: string | undefined): boolean {
  return !!token && safeEqual(token, signalToken(secret, sessionId));
}

/** Score effects of the original (A.5): [section, session]. */
export const SIGNAL_EFFECTS: Record<Exclude<SignalType, 'upvote' | 'downvote' | 'mouseleave'>, [number, number]> = {
  mouseenter_once: [1, 1],
  revealed: [5, 5],
  click: [20, 20],
};
export const VOTE_POINTS = 30;
export const END_OF_SESSION_POINTS = 10;

export const conflict = (message: string) => new HttpError(409, 'already_recorded', message);

interface SessionRow {
  id: string;
  order_id: string;
  is_bot: boolean;
  started_at: string;
  duration_seconds: number;
  total_interaction_ms: number;
  score: number;
}

async function sessionOf(db: Tx, sessionId: string): Promise<SessionRow> {
  const session = await db
    .selectFrom('web_sessions')
    .select(['id', 'order_id', 'is_bot', 'started_at', 'duration_seconds', 'total_interaction_ms', 'score'])
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!session) throw new HttpError(404, 'unknown_session', 'No such session');
  return { ...session, duration_seconds: Number(session.duration_seconds), total_interaction_ms: Number(session.total_interaction_ms), score: Number(session.score) };
}

async function addSessionScore(db: Tx, sessionId: string, points: number): Promise<void> {
  if (points === 0) return;
  await db.updateTable('web_sessions').set({ score: sql`score + ${points}` }).where('id', '=', sessionId).execute();
}

/** Stores the signal row; for `once` signals a replay hits the unique once_key and is refused (409, no write). */
export async function storeSignal(db: Tx, sessionId: string, sectionId: string, type: string, once: boolean, at: string, valueMs: number | null = null): Promise<void> {
  const result = await db
    .insertInto('web_session_signals')
    .values({ id: uuidv7(), session_id: sessionId, section_id: sectionId, signal_type: type, once_key: once ? `${sessionId}:${sectionId}:${type}` : null, created_at: at, value_ms: valueMs })
    .onConflict((oc) => oc.column('once_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!result) throw conflict(`${type} was already recorded for this section`);
}

export interface SignalInput {
  sessionId: string;
  sectionId: string;
  type: SignalType;
  /** mouseleave only: seconds the pointer spent on the section. */
  interactionSeconds?: number;
  /** The request comes from a known bot (user agent): nothing is scored. */
  isBot?: boolean;
  now?: Date;
}

export interface SignalResult {
  recorded: boolean;
  sectionPoints: number;
  sessionPoints: number;
}

/**
 * Applies one browser signal with the original's effects, made safe: revealed, mouseenter_once and click
 * count once per session and section; a vote counts once, and switching it moves section and session by
 * the same amount; mouseleave time can never exceed the time the session has existed. Bot sessions and
 * bot requests change nothing. Signals are group-committed (services/signal-batch.ts).
 */
export { recordSignal } from './signal-batch.js';

/**
 * The heartbeat: +5 s of duration, but never more than the session has really existed (plus one beat), so a
 * script sending beats faster gets 409 and writes nothing.
 */
export async function heartbeat(db: DB, input: { sessionId: string; now?: Date }): Promise<{ durationSeconds: number }> {
  const now = input.now ?? new Date();
  return visitorWrite(db, async (tx) => {
    const session = await sessionOf(tx, input.sessionId);
    const elapsed = Math.floor((now.getTime() - Date.parse(session.started_at)) / 1000);
    if (session.duration_seconds + HEARTBEAT_SECONDS > elapsed + HEARTBEAT_SECONDS) throw new HttpError(409, 'too_early', 'Heartbeat sent too early');
    const updated = await tx
      .updateTable('web_sessions')
      .set({ duration_seconds: sql`duration_seconds + ${HEARTBEAT_SECONDS}` })
      .where('id', '=', session.id)
      .where('duration_seconds', '=', session.duration_seconds)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows ?? 0) === 0) throw new HttpError(409, 'too_early', 'Heartbeat sent too early');
    return { durationSeconds: session.duration_seconds + HEARTBEAT_SECONDS };
  });
}

export type VisitorCategory = 'fast_and_engaged' | 'fast_and_not_engaged' | 'slow_and_engaged' | 'slow_and_not_engaged';

/** The original's categorisation: fast if < 5 s per shown section; engaged if ≥ 300 s interaction or score ≥ 50. */
export function visitorCategory(totalInteractionSeconds: number, shownSections: number, score: number): VisitorCategory {
  const average = shownSections > 0 ? totalInteractionSeconds / shownSections : 0;
  const speed = average < 5 ? 'fast' : 'slow';
  const engaged = totalInteractionSeconds >= 300 || score >= 50;
  return `${speed}_and_${engaged ? 'engaged' : 'not_engaged'}` as VisitorCategory;
}

/** Sections not yet on the page, best score first: inside the visitor's category, else any. */
async function bestNextSection(db: Tx, exclude: string[], category: string): Promise<string | null> {
  const base = () =>
    db
      .selectFrom('web_sections as s')
      .leftJoin('web_section_scores as sc', 'sc.section_id', 's.id')
      .select('s.id')
      .where('s.id', 'not in', exclude.length ? exclude : ['00000000-0000-4000-8000-000000000000'])
      .orderBy(sql`coalesce(sc.score, 0)`, 'desc')
      .orderBy('s.name')
      .orderBy('s.id')
      .limit(1);
  const inCategory = await base()
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('web_section_categories as sc2')
          .innerJoin('web_categories as c', 'c.id', 'sc2.category_id')
          .select('sc2.id')
          .whereRef('sc2.section_id', '=', 's.id')
          .where('c.name', '=', category),
      ),
    )
    .executeTakeFirst();
  if (inCategory) return inCategory.id;
  return (await base().executeTakeFirst())?.id ?? null;
}

/** The order "previous order + one section", found or made once (its key is unique), plugins kept. */
export async function extendedOrder(db: Tx, parentOrderId: string, sectionIds: string[], pluginIds: string[]): Promise<string> {
  const key = `extends:${createHash('sha256').update(`${sectionIds.join(',')}|${pluginIds.join(',')}`).digest('hex')}`;
  const existing = await db.selectFrom('web_section_orders').select('id').where('system_key', '=', key).executeTakeFirst();
  if (existing) return existing.id;
  const id = randomUUID();
  const at = new Date().toISOString();
  const inserted = await db
    .insertInto('web_section_orders')
    .values({ id, name: `Endlos-Scroll (${sectionIds.length} Abschnitte)`, is_active: false, system_key: key, parent_order_id: parentOrderId, created_at: at, updated_at: at })
    .onConflict((oc) => oc.column('system_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return (await db.selectFrom('web_section_orders').select('id').where('system_key', '=', key).executeTakeFirstOrThrow()).id;
  for (const [position, sectionId] of sectionIds.entries()) {
    await db.insertInto('web_order_sections').values({ id: randomUUID(), order_id: id, section_id: sectionId, position }).execute();
  }
  for (const [position, pluginId] of pluginIds.entries()) {
    await db.insertInto('web_order_plugins').values({ id: randomUUID(), order_id: id, plugin_id: pluginId, position }).execute();
  }
  return id;
}

/**
 * Endless scroll (`end_of_session_sections`): the visitor reached the last section. Scores +10 for the
 * session (once per section), picks the next best section for the visitor's category and re-points the
 * session to the order "current order + that section" — an existing one when it was made before.
 * Returns the section id, or null when every section is already on the page.
 */
export async function continuePage(db: DB, input: { sessionId: string; sectionId: string; isBot?: boolean; now?: Date }): Promise<{ sectionId: string | null }> {
  const at = (input.now ?? new Date()).toISOString();
  return visitorWrite(db, async (tx) => {
    const session = await sessionOf(tx, input.sessionId);
    const sectionIds = await orderSectionIds(tx, session.order_id);
    if (sectionIds.at(-1) !== input.sectionId) {
      if (!sectionIds.includes(input.sectionId)) throw new HttpError(404, 'unknown_section', 'This section is not part of the session’s page');
      throw conflict('The page has already moved on past this section');
    }
    const bot = session.is_bot || !!input.isBot;
    if (!bot) {
      await storeSignal(tx, session.id, input.sectionId, 'end_of_session_sections', true, at);
      await addSessionScore(tx, session.id, END_OF_SESSION_POINTS);
      await recordGoal(tx, session.id, 'reached_end', at);
    }
    const shown = await tx.selectFrom('web_session_shown_sections').select('section_id').where('session_id', '=', session.id).execute();
    const category = visitorCategory(session.total_interaction_ms / 1000, shown.length, session.score + (bot ? 0 : END_OF_SESSION_POINTS));
    const next = await bestNextSection(tx, [...new Set([...sectionIds, ...shown.map((s) => s.section_id)])], category);
    if (!next) return { sectionId: null };
    if (!bot) {
      const orderId = await extendedOrder(tx, session.order_id, [...sectionIds, next], await orderPluginIds(tx, session.order_id));
      await tx.updateTable('web_sessions').set({ order_id: orderId }).where('id', '=', session.id).execute();
    }
    return { sectionId: next };
  });
}

/**
 * A conversion (a question asked, a meeting requested): records the goal for the experiment (once per
 * session and goal) and adds `points` to the session's score — unless the session is a bot's. Returns
 * whether it counted; 404 for an unknown session. Joins the caller's transaction.
 */
export async function recordConversion(db: Tx, input: { sessionId: string; goal: ConversionGoal; points: number; isBot?: boolean }): Promise<{ scored: boolean }> {
  const session = await sessionOf(db, input.sessionId);
  if (session.is_bot || input.isBot) return { scored: false };
  await recordGoal(db, session.id, input.goal);
  await addSessionScore(db, session.id, input.points);
  return { scored: true };
}

/** Points a meeting request adds to the session's score (like a question, it is what the site is for). */
export const MEETING_REQUEST_POINTS = 100;

/** The visitor asked for a meeting (a `data-web-conversion="meeting_request"` element): counts once per session. */
export async function requestMeeting(db: DB, input: { sessionId: string; isBot?: boolean }): Promise<{ recorded: boolean }> {
  return visitorWrite(db, async (tx) => {
    const session = await sessionOf(tx, input.sessionId);
    if (session.is_bot || input.isBot) return { recorded: false };
    if (!(await recordGoal(tx, session.id, 'meeting_request'))) throw conflict('The meeting request was already recorded');
    await addSessionScore(tx, session.id, MEETING_REQUEST_POINTS);
    return { recorded: true };
  });
}
