import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../../core/db/transaction.js';
import { Conflict } from '../../core/errors.js';
import { netDrawnFor, refund } from '../../nadooit_time_account/ledger.js';
import { defineMachine } from '../../nadooit_workflow/state-machine.js';
import type { HistoryStore, TransitionInput } from '../../nadooit_workflow/state-machine.js';
import { PAYMENT_STATUSES } from '../models.js';
import type { PaymentStatus } from '../models.js';
import type { Execution } from './booking.js';

/**
 * The payment status of a booking as a state machine (the original allowed any change, legacy-core §4.3):
 *
 *   NOT_PAID ──pay──▶ PAID ──refund──▶ REFUNDED
 *       │
 *       └──revoke──▶ REVOKED
 *
 * A booking with nothing to pay (fully covered by prepaid time, or a zero price) is created PAID, so it
 * never shows up as open. REVOKED (cancelled before payment) and REFUNDED (cancelled after payment) are
 * final; both credit back exactly the seconds still drawn for the booking (never more than were covered,
 * the original's D6) and take its billable seconds off the program's running total. History: the
 * booking's own table ex_execution_status_changes, which also keeps the seconds credited back.
 */
export interface PaymentMove {
  execution: Execution;
  at: string;
  outcome: { creditedSeconds: number };
}

type PaymentInput = TransitionInput<PaymentStatus, PaymentMove>;

/** The guarded UPDATE: the row moves only if it is still in `from`, so two concurrent changes cannot both apply. */
async function moveRow(input: PaymentInput): Promise<void> {
  const updated = await input.tx
    .updateTable('ex_executions')
    .set({ payment_status: input.to, updated_at: input.at })
    .where('id', '=', input.execution.id)
    .where('payment_status', '=', input.from)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new Conflict('Die Buchung wurde gleichzeitig geändert. Bitte erneut versuchen.');
}

async function cancelRow(input: PaymentInput): Promise<void> {
  await moveRow(input);
  const { execution, tx } = input;
  if (execution.time_account_id) {
    const credited = await netDrawnFor(tx, execution.time_account_id, execution.id);
    if (credited > 0) {
      await refund(tx, {
        timeAccountId: execution.time_account_id,
        seconds: credited,
        executionId: execution.id,
        note: input.note ?? (input.to === 'REVOKED' ? 'Storniert' : 'Erstattet'),
        authorUserId: input.actorUserId,
      });
    }
    input.outcome.creditedSeconds = credited;
  }
  if (execution.customer_program_id) {
    await tx
      .updateTable('ex_customer_program_counters')
      .set({
        billable_seconds: sql`billable_seconds - ${execution.billable_seconds}`,
        executions: sql`executions - 1`,
        updated_at: input.at,
      })
      .where('customer_program_id', '=', execution.customer_program_id)
      .where('billable_seconds', '>=', execution.billable_seconds)
      .execute();
  }
}

const statusChanges: HistoryStore<PaymentMove> = {
  async record(tx: Tx, entry, move) {
    if (entry.from === null) return; // a booking's creation is the booking row itself
    await tx
      .insertInto('ex_execution_status_changes')
      .values({
        id: randomUUID(),
        execution_id: entry.subjectId,
        from_status: entry.from as PaymentStatus,
        to_status: entry.to as PaymentStatus,
        actor_user_id: entry.actorUserId,
        credited_seconds: move?.outcome.creditedSeconds ?? 0,
        note: entry.note,
        created_at: move?.at ?? entry.at,
      })
      .execute();
  },
};

export const paymentMachine = defineMachine<PaymentStatus, 'pay' | 'revoke' | 'refund', PaymentMove>({
  name: 'payment',
  states: PAYMENT_STATUSES,
  initial: 'NOT_PAID',
  transitions: {
    pay: { from: ['NOT_PAID'], to: 'PAID', effect: moveRow },
    revoke: { from: ['NOT_PAID'], to: 'REVOKED', effect: cancelRow },
    refund: { from: ['PAID'], to: 'REFUNDED', effect: cancelRow },
  },
  history: statusChanges,
  refusal: (from, to) => `Der Zahlungsstatus kann nicht von ${from} auf ${to} geändert werden.`,
});

/** Which status may follow which (derived from the machine). */
export const PAYMENT_TRANSITIONS = paymentMachine.targetTable();

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return paymentMachine.eventBetween(from, to) !== undefined;
}

/** What cancelling a booking in `status` leads to: REVOKED before payment, REFUNDED after, null when final. */
export function cancellationOf(status: PaymentStatus): PaymentStatus | null {
  if (paymentMachine.can(status, 'revoke')) return 'REVOKED';
  if (paymentMachine.can(status, 'refund')) return 'REFUNDED';
  return null;
}
