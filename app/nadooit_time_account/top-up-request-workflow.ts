import type { Tx } from '../core/db/transaction.js';
import { Conflict } from '../core/errors.js';
import { defineMachine } from '../nadooit_workflow/state-machine.js';
import { workflowHistory } from '../nadooit_workflow/transitions.js';
import { TOP_UP_REQUEST_STATUSES } from './models.js';
import type { TopUpRequestStatus, TopUpRequestsTable } from './models.js';

/**
 * A top-up request is decided once:  open ──approve──▶ approved  |  open ──reject──▶ rejected.
 * The move is a conditional UPDATE … WHERE status = 'open', so a second decision — concurrent or later —
 * finds no open row and is refused before anything is credited. History: nadooit_workflow's transitions.
 */
export interface TopUpMove {
  requestId: string;
  at: string;
  /** The row after the move. */
  outcome: { request: TopUpRequestsTable | null };
}

const ALREADY_DECIDED = 'Über diese Aufladeanfrage wurde bereits entschieden.';

async function moveRow(input: { tx: Tx; from: TopUpRequestStatus; to: TopUpRequestStatus; actorUserId: string | null; note: string | null } & TopUpMove): Promise<void> {
  const decided = await input.tx
    .updateTable('ta_top_up_requests')
    .set({ status: input.to, decided_by_user_id: input.actorUserId, decided_at: input.at, decision_note: input.note, updated_at: input.at })
    .where('id', '=', input.requestId)
    .where('status', '=', input.from)
    .returningAll()
    .executeTakeFirst();
  if (!decided) throw new Conflict(ALREADY_DECIDED);
  input.outcome.request = { ...decided, seconds: Number(decided.seconds) };
}

export const topUpRequestMachine = defineMachine<TopUpRequestStatus, 'approve' | 'reject', TopUpMove>({
  name: 'top_up_request',
  states: TOP_UP_REQUEST_STATUSES,
  initial: 'open',
  transitions: {
    approve: { from: ['open'], to: 'approved', effect: moveRow },
    reject: { from: ['open'], to: 'rejected', effect: moveRow },
  },
  history: workflowHistory,
  refusal: () => ALREADY_DECIDED,
});
