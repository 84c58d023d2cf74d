import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { bookExecution, executionById } from '../nadooit_api_executions_system/services/index.js';
import { bookingWorld, person } from '../nadooit_api_executions_system/testing/fixtures.js';
import { acceptComplaint, addComment, complaintDetails, fileComplaint, listComplaints, rejectComplaint, startComplaint } from './services.js';

const STAFF = { actorUserId: null, asStaff: true } as const;
const refused = (status: number) => (e: Error & { statusCode?: number }) => e.statusCode === status;

describeEachBackend('complaints: OPEN → IN_PROGRESS → ACCEPTED/REJECTED, comments, history, scoping', (h) => {
  const db = () => h().system.context.db.kysely;

  /** Each test gets its own customer (1000 s prepaid), a manager there, and an outsider at another customer. */
  async function scene() {
    const world = await bookingWorld(db(), { balanceSeconds: 1000, pricePerSecond: 10_000 });
    const manager = await person(db(), { customerId: world.customerId, displayName: 'Anna Becker', roles: { customer_program_execution_manager: [] } });
    const other = await bookingWorld(db(), { customerName: 'Andere GmbH' });
    const outsider = await person(db(), { customerId: other.customerId, roles: { customer_program_execution_manager: ['can_give_manager_role'] } });
    const booking = async (seconds = 300) => {
      const { execution } = await bookExecution(db(), { customerProgramId: world.customerProgramId, timeSavedSeconds: seconds, maxTimeSavedSeconds: 86_400, userId: null });
      return execution;
    };
    const balance = async () =>
      Number((await db().selectFrom('ta_time_accounts').select('balance_seconds').where('id', '=', world.timeAccountId!).executeTakeFirstOrThrow()).balance_seconds);
    return { world, manager, outsider, booking, balance };
  }

  it('accepted: the booking is revoked and exactly its drawn seconds come back; history is complete', async () => {
    const { manager, booking, balance } = await scene();
    await booking(900); // leaves 100
    const execution = await booking(300); // 100 covered, 200 billable
    const complaint = await fileComplaint(db(), { actorUserId: manager.userId, executionId: execution.id, text: 'Bot lief doppelt' });
    assert.equal(complaint.status, 'OPEN');
    assert.equal((await executionById(db(), execution.id))!.payment_status, 'NOT_PAID');
    assert.equal((await executionById(db(), execution.id))!.in_complaint, true);
    await assert.rejects(acceptComplaint(db(), { ...STAFF, complaintId: complaint.id }), refused(409));
    await startComplaint(db(), { ...STAFF, complaintId: complaint.id });
    await addComment(db(), { actorUserId: manager.userId, complaintId: complaint.id, text: 'Log anbei' });
    const decision = await acceptComplaint(db(), { ...STAFF, complaintId: complaint.id, note: 'Doppelter Lauf bestätigt' });
    assert.equal(decision.cancellation!.execution.payment_status, 'REVOKED');
    assert.equal(decision.cancellation!.creditedSeconds, 100);
    assert.equal(await balance(), 100);
    const after = (await executionById(db(), execution.id))!;
    assert.deepEqual([after.payment_status, after.in_complaint], ['REVOKED', false]);
    const details = await complaintDetails(db(), { actorUserId: manager.userId, complaintId: complaint.id });
    assert.deepEqual(
      details.history.map((e) => [e.kind, e.fromStatus, e.toStatus, e.text]),
      [
        ['status', null, 'OPEN', null],
        ['status', 'OPEN', 'IN_PROGRESS', null],
        ['comment', null, null, 'Log anbei'],
        ['status', 'IN_PROGRESS', 'ACCEPTED', 'Doppelter Lauf bestätigt'],
      ],
    );
    assert.equal(details.authorName, 'Anna Becker');
    assert.equal(details.complaint.resolution_note, 'Doppelter Lauf bestätigt');
    await assert.rejects(fileComplaint(db(), { actorUserId: manager.userId, executionId: execution.id, text: 'nochmal' }), refused(409));
  });

  it('rejected: the booking stays as it was and can be complained about again later', async () => {
    const { manager, booking, balance } = await scene();
    const execution = await booking(50);
    const before = await balance();
    const complaint = await fileComplaint(db(), { actorUserId: manager.userId, executionId: execution.id, text: 'Zu teuer' });
    await assert.rejects(fileComplaint(db(), { actorUserId: manager.userId, executionId: execution.id, text: 'doppelt' }), refused(409));
    await startComplaint(db(), { ...STAFF, complaintId: complaint.id });
    const decision = await rejectComplaint(db(), { ...STAFF, complaintId: complaint.id, note: 'Lauf war korrekt' });
    assert.equal(decision.cancellation, null);
    const after = (await executionById(db(), execution.id))!;
    assert.deepEqual([after.payment_status, after.in_complaint], [execution.payment_status, false]);
    assert.equal(await balance(), before);
    await assert.rejects(startComplaint(db(), { ...STAFF, complaintId: complaint.id }), refused(409));
    const second = await fileComplaint(db(), { actorUserId: manager.userId, executionId: execution.id, text: 'Neue Info' });
    assert.equal(second.status, 'OPEN');
  });

  it('customers decide nothing; other customers see and do nothing', async () => {
    const { world, manager, outsider, booking } = await scene();
    const execution = await booking(10);
    const earlier = await fileComplaint(db(), { actorUserId: manager.userId, executionId: (await booking(20)).id, text: 'früher' });
    await assert.rejects(fileComplaint(db(), { actorUserId: outsider.userId, executionId: execution.id, text: 'x' }), refused(403));
    const complaint = await fileComplaint(db(), { actorUserId: manager.userId, executionId: execution.id, text: 'x' });
    await assert.rejects(startComplaint(db(), { actorUserId: manager.userId, complaintId: complaint.id }), refused(403));
    await assert.rejects(complaintDetails(db(), { actorUserId: outsider.userId, complaintId: complaint.id }), refused(403));
    await assert.rejects(addComment(db(), { actorUserId: outsider.userId, complaintId: complaint.id, text: 'hi' }), refused(403));
    assert.deepEqual(await listComplaints(db(), { actorUserId: outsider.userId }), []);
    const mine = await listComplaints(db(), { actorUserId: manager.userId });
    assert.deepEqual(mine.map((c) => c.id).sort(), [earlier.id, complaint.id].sort());
    assert.ok(mine.every((c) => c.customer_id === world.customerId));
    assert.ok((await listComplaints(db(), { ...STAFF, statuses: ['OPEN'] })).some((c) => c.id === complaint.id));
  });

  it('empty texts are refused with a field detail', async () => {
    const { manager, booking } = await scene();
    const execution = await booking(10);
    await assert.rejects(fileComplaint(db(), { actorUserId: manager.userId, executionId: execution.id, text: '   ' }), refused(400));
  });
});
