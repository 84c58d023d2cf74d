import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { PAYMENT_STATUSES } from '../models.js';
import type { PaymentStatus } from '../models.js';
import { isOpen } from '../payment-status.js';
import { PAYMENT_TRANSITIONS, canTransition } from './payment-machine.js';
import { bookingWorld, person } from '../testing/fixtures.js';
import { bookExecution } from './booking.js';
import { applyPaymentStatus, revokeExecution, setPaymentStatus, statusHistory } from './payment.js';

const SYSTEM = { actorUserId: null, asStaff: true } as const;

describeEachBackend('payment status: transition table, authority, history', (h) => {
  const db = () => h().system.context.db.kysely;

  /** A booking in `status`, reached through allowed transitions only. */
  async function bookingIn(status: PaymentStatus) {
    const world = await bookingWorld(db(), { balanceSeconds: 10, pricePerSecond: 1_000 });
    const { execution } = await bookExecution(db(), { customerProgramId: world.customerProgramId, timeSavedSeconds: 100, maxTimeSavedSeconds: 1000, userId: null });
    const path: Record<PaymentStatus, PaymentStatus[]> = { NOT_PAID: [], PAID: ['PAID'], REFUNDED: ['PAID', 'REFUNDED'], REVOKED: ['REVOKED'] };
    for (const to of path[status]) await applyPaymentStatus(db(), { executionId: execution.id, to, actorUserId: null });
    return { world, executionId: execution.id };
  }

  it('every (from, to) pair follows the table exactly', async () => {
    for (const from of PAYMENT_STATUSES) {
      for (const to of PAYMENT_STATUSES) {
        const { executionId } = await bookingIn(from);
        const attempt = setPaymentStatus(db(), { ...SYSTEM, executionId, status: to });
        if (canTransition(from, to)) {
          assert.equal((await attempt).execution.payment_status, to, `${from} → ${to}`);
        } else {
          await assert.rejects(attempt, (e: Error & { statusCode?: number }) => e.statusCode === 409, `${from} → ${to} must be refused`);
        }
      }
    }
    assert.deepEqual(PAYMENT_TRANSITIONS, { NOT_PAID: ['PAID', 'REVOKED'], PAID: ['REFUNDED'], REFUNDED: [], REVOKED: [] });
  });

  it('open = NOT_PAID with a price; fully covered bookings never are', () => {
    assert.equal(isOpen({ payment_status: 'NOT_PAID', price: 1 }), true);
    assert.equal(isOpen({ payment_status: 'NOT_PAID', price: 0 }), false);
    assert.equal(isOpen({ payment_status: 'PAID', price: 5 }), false);
  });

  it('only staff set payment statuses; every change is recorded', async () => {
    const { world, executionId } = await bookingIn('NOT_PAID');
    const manager = await person(db(), { customerId: world.customerId, roles: { customer_program_execution_manager: ['can_create_customer_program_execution', 'can_delete_customer_program_execution', 'can_give_manager_role'] } });
    await assert.rejects(setPaymentStatus(db(), { actorUserId: manager.userId, executionId, status: 'PAID' }), (e: Error & { statusCode?: number }) => e.statusCode === 403);
    const staff = await person(db(), { isStaff: true });
    await setPaymentStatus(db(), { actorUserId: staff.userId, asStaff: true, executionId, status: 'PAID', note: 'Rechnung 2025-17' });
    const history = await statusHistory(db(), executionId);
    assert.deepEqual(
      history.map((c) => [c.from_status, c.to_status, c.actor_user_id, c.note]),
      [['NOT_PAID', 'PAID', staff.userId, 'Rechnung 2025-17']],
    );
  });

  it('can_delete_customer_program_execution lets a manager revoke unpaid bookings of their own customer only', async () => {
    const { world, executionId } = await bookingIn('NOT_PAID');
    const other = await bookingWorld(db(), { customerName: 'Andere GmbH' });
    const withAbility = await person(db(), { customerId: world.customerId, roles: { customer_program_execution_manager: ['can_delete_customer_program_execution'] } });
    const without = await person(db(), { customerId: world.customerId, roles: { customer_program_execution_manager: ['can_create_customer_program_execution'] } });
    const elsewhere = await person(db(), { customerId: other.customerId, roles: { customer_program_execution_manager: ['can_delete_customer_program_execution'] } });
    for (const actor of [without, elsewhere]) {
      await assert.rejects(revokeExecution(db(), { actorUserId: actor.userId, executionId }), (e: Error & { statusCode?: number }) => e.statusCode === 403);
    }
    const change = await revokeExecution(db(), { actorUserId: withAbility.userId, executionId });
    assert.deepEqual([change.execution.payment_status, change.creditedSeconds], ['REVOKED', 10]);
    const { executionId: paid } = await bookingIn('PAID');
    await assert.rejects(revokeExecution(db(), { ...SYSTEM, executionId: paid }), (e: Error & { statusCode?: number }) => e.statusCode === 409);
  });
});
