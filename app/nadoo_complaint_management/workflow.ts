import type { Tx } from '../core/db/transaction.js';
import { Conflict } from '../core/errors.js';
import { cancelExecution, setInComplaint } from '../nadooit_api_executions_system/services/index.js';
import type { StatusChange } from '../nadooit_api_executions_system/services/index.js';
import { defineMachine } from '../nadooit_workflow/state-machine.js';
import type { HistoryStore } from '../nadooit_workflow/state-machine.js';
import { COMPLAINT_STATUSES } from './models.js';
import type { ComplaintStatus, ComplaintsTable } from './models.js';
import { recordEvent } from './history.js';

/**
 * The complaint workflow (the original only revoked the booking on filing, without refund, D5):
 *
 *   OPEN ──start──▶ IN_PROGRESS ──accept──▶ ACCEPTED   (booking cancelled: REVOKED, or REFUNDED if paid;
 *                        │                              the drawn seconds go back to the time account)
 *                        └──reject──▶ REJECTED          (booking stays as it was, complaint mark removed)
 *
 * Filing does not change the payment status; the booking carries an "in complaint" mark until the
 * complaint is decided. The history is the complaint's own event table (shown with its comments).
 */

/** What a decision needs and what it leaves behind (the booking's cancellation when accepted). */
export interface ComplaintMove {
  complaint: ComplaintsTable;
  at: string;
  outcome: { cancellation: StatusChange | null };
}

const complaintEvents: HistoryStore = {
  record: (tx, entry) =>
    recordEvent(tx, { complaint_id: entry.subjectId, actor_user_id: entry.actorUserId, from_status: entry.from as ComplaintStatus | null, to_status: entry.to as ComplaintStatus, note: entry.note }),
};

/** The guarded UPDATE: the row moves only if it is still in `from` (a concurrent decision finds nothing to move). */
async function moveRow(input: { tx: Tx; from: ComplaintStatus; to: ComplaintStatus; actorUserId: string | null; note: string | null } & ComplaintMove): Promise<void> {
  const final = complaintMachine.isFinal(input.to);
  const updated = await input.tx
    .updateTable('cm_complaints')
    .set({
      status: input.to,
      updated_at: input.at,
      ...(final ? { resolution_note: input.note, resolved_by_user_id: input.actorUserId, resolved_at: input.at } : {}),
    })
    .where('id', '=', input.complaint.id)
    .where('status', '=', input.from)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new Conflict('Die Reklamation wurde gleichzeitig geändert.');
  const executionId = input.complaint.execution_id;
  if (!final || !executionId) return;
  await setInComplaint(input.tx, executionId, false);
  if (input.to === 'ACCEPTED') {
    input.outcome.cancellation = await cancelExecution(input.tx, {
      executionId,
      actorUserId: input.actorUserId,
      note: `Reklamation angenommen${input.note ? `: ${input.note}` : ''}`,
    });
  }
}

export const complaintMachine = defineMachine<ComplaintStatus, 'start' | 'accept' | 'reject', ComplaintMove>({
  name: 'complaint',
  states: COMPLAINT_STATUSES,
  initial: 'OPEN',
  transitions: {
    start: { from: ['OPEN'], to: 'IN_PROGRESS', effect: moveRow },
    accept: { from: ['IN_PROGRESS'], to: 'ACCEPTED', effect: moveRow },
    reject: { from: ['IN_PROGRESS'], to: 'REJECTED', effect: moveRow },
  },
  history: complaintEvents,
  refusal: (from, to) => `Eine Reklamation im Status ${from} kann nicht auf ${to} gesetzt werden.`,
});

/** Which status may follow which (derived from the machine). */
export const COMPLAINT_TRANSITIONS = complaintMachine.targetTable();
