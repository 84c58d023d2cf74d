import { randomUUID } from 'node:crypto';
import { uuidv7 } from '../../core/ids.js';
import { insertRows } from '../../core/db/insert-rows.js';
import { sql } from 'kysely';
import type { Insertable, Transaction } from 'kysely';
import type { DB } from '../../core/db/connection.js';
import { flavorOf } from '../../core/db/connection.js';
import { groupCommitOf } from '../../core/db/group-commit.js';
import type { BatchWork, GroupCommitKind } from '../../core/db/group-commit.js';
import type { Database } from '../../core/db/schema.js';
import type { Tx } from '../../core/db/transaction.js';
import { HttpError } from '../../core/http/errors.js';
import { loadOrderContent } from './pages.js';
import { SIGNAL_EFFECTS, VOTE_POINTS, conflict, storeSignal } from './signals.js';
import type { SignalInput, SignalResult } from './signals.js';
import '../models.js';

/** What a batch knows of a session: read once per batch, kept up to date with the batch's own changes. */
interface SessionState {
  id: string;
  orderId: string;
  isBot: boolean;
  startedAt: number;
  totalInteractionMs: number;
}

const CHUNK = 200;

/**
 * The signals of one group-commit batch (many signals, ONE transaction), applied in arrival order with the
 * original's effects (see recordSignal). The batch reads all its sessions with one query, checks the
 * section against the cached order content, and writes what signals share at the end: the rows of signals
 * that may repeat (mouseleave) with one multi-row INSERT, the section scores with one multi-row upsert, the
 * sessions' score and interaction time with one UPDATE per 200 sessions. A signal that is refused (404,
 * 409) is refused before it writes anything, so it is that signal's answer and the batch goes on.
 */
class SignalBatch implements BatchWork<SignalInput, SignalResult> {
  private readonly sessions = new Map<string, SessionState>();
  private readonly sectionPoints = new Map<string, number>();
  private readonly sessionPoints = new Map<string, number>();
  private readonly interaction = new Map<string, number>();
  private readonly rows: Array<Insertable<Database['web_session_signals']>> = [];

  constructor(private readonly tx: Tx) {}

  async prepare(inputs: SignalInput[]): Promise<void> {
    const ids = [...new Set(inputs.map((i) => i.sessionId))];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.tx
        .selectFrom('web_sessions')
        .select(['id', 'order_id', 'is_bot', 'started_at', 'total_interaction_ms'])
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of rows) {
        this.sessions.set(r.id, { id: r.id, orderId: r.order_id, isBot: !!r.is_bot, startedAt: Date.parse(r.started_at), totalInteractionMs: Number(r.total_interaction_ms) });
      }
    }
  }

  async run(input: SignalInput): Promise<SignalResult> {
    const at = (input.now ?? new Date()).toISOString();
    const session = this.sessions.get(input.sessionId);
    if (!session) throw new HttpError(404, 'unknown_session', 'No such session');
    const content = await loadOrderContent(this.tx, session.orderId);
    if (!content.sectionIds.has(input.sectionId)) throw new HttpError(404, 'unknown_section', 'This section is not part of the session’s page');
    if (session.isBot || input.isBot) return { recorded: false, sectionPoints: 0, sessionPoints: 0 };
    let sectionPoints = 0;
    let sessionPoints = 0;
    switch (input.type) {
      case 'revealed':
      case 'mouseenter_once':
      case 'click': {
        await storeSignal(this.tx, session.id, input.sectionId, input.type, true, at);
        [sectionPoints, sessionPoints] = SIGNAL_EFFECTS[input.type];
        if (input.type === 'revealed') {
          await this.tx
            .insertInto('web_session_shown_sections')
            .values({ id: uuidv7(), session_id: session.id, section_id: input.sectionId, created_at: at })
            .onConflict((oc) => oc.columns(['session_id', 'section_id']).doNothing())
            .execute();
        }
        break;
      }
      case 'upvote':
      case 'downvote': {
        sectionPoints = sessionPoints = await this.vote(session, input.sectionId, input.type, at);
        break;
      }
      case 'mouseleave': {
        const seconds = input.interactionSeconds ?? 0;
        const elapsedMs = Math.max(0, Date.parse(at) - session.startedAt);
        const added = Math.max(0, Math.min(Math.round(seconds * 1000), elapsedMs - session.totalInteractionMs));
        this.rows.push({ id: uuidv7(), session_id: session.id, section_id: input.sectionId, signal_type: 'mouseleave', once_key: null, created_at: at, value_ms: added });
        session.totalInteractionMs += added;
        add(this.interaction, session.id, added);
        break;
      }
    }
    add(this.sectionPoints, input.sectionId, sectionPoints);
    add(this.sessionPoints, session.id, sessionPoints);
    return { recorded: true, sectionPoints, sessionPoints };
  }

  /** A vote counts once; switching it moves section and session by twice the points. Returns the points. */
  private async vote(session: SessionState, sectionId: string, type: 'upvote' | 'downvote', at: string): Promise<number> {
    const vote = type === 'upvote' ? 1 : -1;
    const previous = await this.tx.selectFrom('web_session_votes').select(['id', 'vote']).where('session_id', '=', session.id).where('section_id', '=', sectionId).executeTakeFirst();
    if (previous && Number(previous.vote) === vote) throw conflict('This vote was already counted');
    if (previous) {
      await this.tx.updateTable('web_session_votes').set({ vote, updated_at: at }).where('id', '=', previous.id).execute();
    } else {
      const inserted = await this.tx
        .insertInto('web_session_votes')
        .values({ id: uuidv7(), session_id: session.id, section_id: sectionId, vote, updated_at: at })
        .onConflict((oc) => oc.columns(['session_id', 'section_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) throw conflict('This vote was already counted');
    }
    await storeSignal(this.tx, session.id, sectionId, type, false, at);
    return vote * VOTE_POINTS * (previous ? 2 : 1);
  }

  async flush(): Promise<void> {
    await insertRows(this.tx, 'web_session_signals', this.rows);
    const sections = [...this.sectionPoints].filter(([, points]) => points !== 0);
    for (let i = 0; i < sections.length; i += CHUNK) {
      await this.tx
        .insertInto('web_section_scores')
        .values(sections.slice(i, i + CHUNK).map(([sectionId, score]) => ({ id: randomUUID(), section_id: sectionId, score, experiment_group: 0 })))
        .onConflict((oc) => oc.column('section_id').doUpdateSet({ score: sql`web_section_scores.score + excluded.score` }))
        .execute();
    }
    const sessionIds = [...new Set([...this.sessionPoints.keys(), ...this.interaction.keys()])].filter((id) => this.sessionPoints.get(id) || this.interaction.get(id));
    for (let i = 0; i < sessionIds.length; i += CHUNK) {
      const ids = sessionIds.slice(i, i + CHUNK);
      await this.tx
        .updateTable('web_sessions')
        .set({ score: sql`score + ${byId(ids, this.sessionPoints)}`, total_interaction_ms: sql`total_interaction_ms + ${byId(ids, this.interaction)}` })
        .where('id', 'in', ids)
        .execute();
    }
  }
}

function add(map: Map<string, number>, key: string, value: number): void {
  if (value !== 0 || !map.has(key)) map.set(key, (map.get(key) ?? 0) + value);
}

/** `case id when … then … else 0 end`: one value per session in one UPDATE. */
function byId(ids: string[], values: Map<string, number>) {
  const whens = ids.filter((id) => values.get(id)).map((id) => sql`when ${id} then cast(${values.get(id)!} as bigint)`);
  return whens.length ? sql`(case id ${sql.join(whens, sql` `)} else 0 end)` : sql`0`;
}

export const SIGNALS: GroupCommitKind<SignalInput, SignalResult> = {
  name: 'nadooit_website.signals',
  durability: 'relaxed',
  begin: (tx) => new SignalBatch(tx),
  isRefusal: (error) => error instanceof HttpError && error.statusCode < 500,
};

/**
 * Applies one browser signal (see signals.ts). With the database handle it joins the signal group commit
 * and settles after the batch's commit; inside a transaction it is applied there.
 */
export async function recordSignal(db: DB | Tx, input: SignalInput): Promise<SignalResult> {
  if (!db.isTransaction) return groupCommitOf(db as DB, SIGNALS).submit(input);
  const batch = SIGNALS.begin(db as Transaction<Database>, flavorOf(db));
  await batch.prepare?.([input]);
  const result = await batch.run(input);
  await batch.flush();
  return result;
}

type VisitorWrite = (tx: Transaction<Database>) => Promise<unknown>;

/** The other visitor writes (heartbeat, endless scroll, meeting request): each its own work, many in one transaction. */
const VISITOR_WRITES: GroupCommitKind<VisitorWrite, unknown> = {
  name: 'nadooit_website.visitor_writes',
  durability: 'relaxed',
  begin: (tx) => ({ run: (work) => work(tx), flush: async () => {} }),
  isRefusal: SIGNALS.isRefusal,
};

/**
 * Like transaction(), but group-committed with other visitors' writes. `work` must refuse (4xx) before it
 * writes anything, since a refusal is its answer and the batch's transaction goes on.
 */
export function visitorWrite<T>(db: DB | Tx, work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db as Transaction<Database>);
  return groupCommitOf(db as DB, VISITOR_WRITES).submit(work) as Promise<T>;
}
