import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { staffAuthority } from '../../nadooit_auth/services/actor.js';
import type { Actor } from '../../core/actor.js';
import { Conflict, NotFound, PermissionDenied } from '../../core/errors.js';
import { hasRole } from '../../nadooit_hr/permissions.js';
import type { PaymentStatus } from '../models.js';
import { cancellationOf, paymentMachine } from './payment-machine.js';
import { executionById } from './booking.js';
import type { Execution } from './booking.js';

export interface StatusChange {
  execution: Execution;
  /** Seconds credited back to the prepaid time account by this change. */
  creditedSeconds: number;
}

/**
 * Internal, no authorization: moves a booking to `to` through the payment machine (services/payment-machine.ts):
 * refused with Conflict when no transition leads there; cancelling credits back the drawn seconds.
 */
export async function applyPaymentStatus(
  db: Tx,
  input: { executionId: string; to: PaymentStatus; actorUserId: string | null; note?: string | null },
): Promise<StatusChange> {
  return transaction(db, async (tx) => {
    const current = await executionById(tx, input.executionId);
    if (!current) throw new NotFound('Buchung nicht gefunden');
    const at = new Date().toISOString();
    const outcome = { creditedSeconds: 0 };
    await paymentMachine.moveTo(tx, {
      subjectId: current.id,
      from: current.payment_status,
      to: input.to,
      actorUserId: input.actorUserId,
      note: input.note,
      execution: current,
      at,
      outcome,
    });
    return { execution: { ...current, payment_status: input.to, updated_at: at }, creditedSeconds: outcome.creditedSeconds };
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
