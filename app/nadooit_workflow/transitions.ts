import { randomUUID } from 'node:crypto';
import type { Tx } from '../core/db/transaction.js';
import { isUuid } from '../core/ids.js';
import { namesOfUsers } from '../nadooit_auth/services/users.js';
import type { HistoryStore, TransitionRecord } from './state-machine.js';
import './models.js';

/**
 * The default history store of state machines (table wf_transitions). An entry's time is kept after every
 * earlier entry of the same subject, so two moves within one millisecond still read back in order.
 */
export const workflowHistory: HistoryStore = {
  async record(tx: Tx, entry: TransitionRecord): Promise<void> {
    const last = await tx
      .selectFrom('wf_transitions')
      .select((eb) => eb.fn.max('created_at').as('at'))
      .where('subject_id', '=', entry.subjectId)
      .where('machine', '=', entry.machine)
      .executeTakeFirst();
    const after = last?.at ? Date.parse(String(last.at)) + 1 : 0;
    const at = new Date(Math.max(Date.parse(entry.at), after)).toISOString();
    await tx
      .insertInto('wf_transitions')
      .values({
        id: randomUUID(),
        machine: entry.machine,
        subject_id: entry.subjectId,
        event: entry.event,
        from_state: entry.from,
        to_state: entry.to,
        actor_user_id: entry.actorUserId,
        note: entry.note,
        created_at: at,
      })
      .execute();
  },
};

export interface TransitionHistoryEntry extends TransitionRecord {
  actorName: string | null;
}

/** The history of one subject of a machine, oldest first, with the actors' names. No permission check. */
export async function transitionHistory(db: Tx, machine: string, subjectId: string): Promise<TransitionHistoryEntry[]> {
  if (!isUuid(subjectId)) return [];
  const rows = await db
    .selectFrom('wf_transitions')
    .selectAll()
    .where('machine', '=', machine)
    .where('subject_id', '=', subjectId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const names = await namesOfUsers(db, rows.map((r) => r.actor_user_id));
  return rows.map((r) => ({
    machine: r.machine,
    subjectId: r.subject_id,
    event: r.event,
    from: r.from_state,
    to: r.to_state,
    actorUserId: r.actor_user_id,
    actorName: r.actor_user_id ? (names.get(r.actor_user_id) ?? null) : null,
    note: r.note,
    at: r.created_at,
  }));
}
