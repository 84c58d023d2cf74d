import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { staffAuthority } from '../../nadooit_auth/services/actor.js';
import type { Actor } from '../../core/actor.js';
import { Conflict, NotFound, PermissionDenied } from '../../core/errors.js';
import { hasRole } from '../../nadooit_hr/permissions.js';
import { netDrawnFor, refund } from '../../nadooit_time_account/ledger.js';
import type { PaymentStatus } from '../models.js';
import { canTransition, cancellationOf, cancels } from '../payment-status.js';
import { executionById } from './booking.js';
import type { Execution } from './booking.js';

export interface StatusChange {
  execution: Execution;
  /** Seconds credited back to the prepaid time account by this change. */
  creditedSeconds: number;
}

/**
 * Internal, no authorization: moves a booking to `to` if the transition table allows it. Cancelling
 * (REVOKED/REFUNDED) credits back exactly the seconds still drawn for it (never more than were covered,
 * the original's D6) and takes its billable seconds off the program's running total. The status update is
 * conditional on the status read, so two concurrent changes cannot both apply.
 */
export async function applyPaymentStatus(
  db: Tx,
  input: { executionId: string; to: PaymentStatus; actorUserId: string | null; note?: string | null },
): Promise<StatusChange> {
  return transaction(db, async (tx) => {
    const current = await executionById(tx, input.executionId);
    if (!current) throw new NotFound('Buchung nicht gefunden');
    const from = current.payment_status;
    if (!canTransition(from, input.to)) {
      throw new Conflict(`Der Zahlungsstatus kann nicht von ${from} auf ${input.to} geändert werden.`);
    }
    const now = new Date().toISOString();
    const updated = await tx
      .updateTable('ex_executions')
      .set({ payment_status: input.to, updated_at: now })
      .where('id', '=', current.id)
      .where('payment_status', '=', from)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new Conflict('Die Buchung wurde gleichzeitig geändert. Bitte erneut versuchen.');

    let credited = 0;
    if (cancels(input.to)) {
      if (current.time_account_id) {
        credited = await netDrawnFor(tx, current.time_account_id, current.id);
        if (credited > 0) {
          await refund(tx, {
            timeAccountId: current.time_account_id,
            seconds: credited,
            executionId: current.id,
            note: input.note ?? (input.to === 'REVOKED' ? 'Storniert' : 'Erstattet'),
            authorUserId: input.actorUserId,
          });
        }
      }
      if (current.customer_program_id) {
        await tx
          .updateTable('ex_customer_program_counters')
          .set({
            billable_seconds: sql`billable_seconds - ${current.billable_seconds}`,
            executions: sql`executions - 1`,
            updated_at: now,
          })
          .where('customer_program_id', '=', current.customer_program_id)
          .where('billable_seconds', '>=', current.billable_seconds)
          .execute();
      }
    }
    await tx
      .insertInto('ex_execution_status_changes')
      .values({
        id: randomUUID(),
        execution_id: current.id,
        from_status: from,
        to_status: input.to,
        actor_user_id: input.actorUserId,
        credited_seconds: credited,
        note: input.note?.trim() || null,
        created_at: now,
      })
      .execute();
    return { execution: { ...current, payment_status: input.to, updated_at: now }, creditedSeconds: credited };
  });
}

/** Staff (admin, staff API callers): set a payment status through the transition table. */
export async function setPaymentStatus(
  db: Tx,
  input: Actor & { executionId: string; status: PaymentStatus; note?: string | null },
): Promise<StatusChange> {
  return transaction(db, async (tx) => {
    if (!(await staffAuthority(tx, input))) throw new PermissionDenied('Nur NADOOIT-Mitarbeiter können den Zahlungsstatus ändern.');
    return applyPaymentStatus(tx, { executionId: input.executionId, to: input.status, actorUserId: input.actorUserId, note: input.note });
  });
}

/**
 * Cancels a booking: REVOKED before payment, REFUNDED after (the admin's "refund", an accepted complaint).
 * Internal, no authorization — callers check who may do it.
 */
export async function cancelExecution(
  db: Tx,
  input: { executionId: string; actorUserId: string | null; note?: string | null },
): Promise<StatusChange> {
  return transaction(db, async (tx) => {
    const current = await executionById(tx, input.executionId);
    if (!current) throw new NotFound('Buchung nicht gefunden');
    const to = cancellationOf(current.payment_status);
    if (!to) throw new Conflict('Die Buchung ist bereits storniert oder erstattet.');
    return applyPaymentStatus(tx, { executionId: current.id, to, actorUserId: input.actorUserId, note: input.note });
  });
}

/** Staff: refund a paid booking or revoke an unpaid one, crediting back exactly the drawn seconds. */
export async function refundExecution(
  db: Tx,
  input: Actor & { executionId: string; note?: string | null },
): Promise<StatusChange> {
  return transaction(db, async (tx) => {
    if (!(await staffAuthority(tx, input))) throw new PermissionDenied('Nur NADOOIT-Mitarbeiter können Buchungen erstatten.');
    return cancelExecution(tx, input);
  });
}

/**
 * "Delete" a booking the customer's own bot made by mistake: an execution manager holding
 * can_delete_customer_program_execution for the booking's customer may revoke it while it is unpaid
 * (staff may too). Its drawn seconds go back to the time account; the row stays for the record.
 */
export async function revokeExecution(
  db: Tx,
  input: Actor & { executionId: string; note?: string | null },
): Promise<StatusChange> {
  return transaction(db, async (tx) => {
    const current = await executionById(tx, input.executionId);
    if (!current) throw new NotFound('Buchung nicht gefunden');
    const staff = await staffAuthority(tx, input);
    if (
      !staff &&
      !(current.customer_id &&
        (await hasRole(tx, input.actorUserId!, current.customer_id, 'customer_program_execution_manager', 'can_delete_customer_program_execution')))
    ) {
      throw new PermissionDenied('Sie dürfen Buchungen dieses Kunden nicht stornieren.');
    }
    return applyPaymentStatus(tx, { executionId: current.id, to: 'REVOKED', actorUserId: input.actorUserId, note: input.note });
  });
}

/** The payment-status history of a booking, oldest first. */
export async function statusHistory(db: Tx, executionId: string) {
  return db
    .selectFrom('ex_execution_status_changes')
    .selectAll()
    .where('execution_id', '=', executionId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}
