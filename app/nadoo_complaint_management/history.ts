import { randomUUID } from 'node:crypto';
import type { Tx } from '../core/db/transaction.js';
import type { ComplaintEventsTable } from './models.js';
import './models.js';

/**
 * A timestamp after every earlier history entry of the complaint, so status changes and comments made in
 * the same millisecond still come back in the order they happened.
 */
export async function historyStamp(tx: Tx, complaintId: string): Promise<string> {
  const [event, comment] = await Promise.all([
    tx.selectFrom('cm_complaint_events').select((eb) => eb.fn.max('created_at').as('at')).where('complaint_id', '=', complaintId).executeTakeFirst(),
    tx.selectFrom('cm_complaint_comments').select((eb) => eb.fn.max('created_at').as('at')).where('complaint_id', '=', complaintId).executeTakeFirst(),
  ]);
  const last = Math.max(...[event?.at, comment?.at].map((at) => (at ? Date.parse(String(at)) : 0)));
  return new Date(Math.max(Date.now(), last + 1)).toISOString();
}

/** One status change in the complaint's history. */
export async function recordEvent(tx: Tx, event: Omit<ComplaintEventsTable, 'id' | 'created_at'>): Promise<void> {
  const at = await historyStamp(tx, event.complaint_id);
  await tx.insertInto('cm_complaint_events').values({ id: randomUUID(), ...event, note: event.note?.trim() || null, created_at: at }).execute();
}
