import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { insertSyntheticExecutions } from '../testing/bulk.js';
import { bookingWorld, person } from '../testing/fixtures.js';
import type { BookingWorld } from '../testing/fixtures.js';
import { bookExecution } from './booking.js';
import { exportExecutionsCsv } from './csv.js';
import { exportRowBatches } from './queries.js';
import type { ExportRow } from './queries.js';

const JAN = new Date('2025-01-01T00:00:00.000Z');
const FEB = new Date('2025-02-01T00:00:00.000Z');
const MID_JAN = new Date('2025-01-15T12:00:00.000Z');
const ROWS = 6000; // more than one snapshot batch (5000)

describeEachBackend('CSV export: one consistent snapshot per export', (h) => {
  const db = () => h().system.context.db.kysely;
  let world: BookingWorld;

  before(async () => {
    world = await bookingWorld(db(), { balanceSeconds: 1_000_000 });
    const target = { customerId: world.customerId, customerProgramId: world.customerProgramId, programId: world.programId };
    await insertSyntheticExecutions(db(), target, { count: ROWS, from: JAN, to: FEB, statuses: ['NOT_PAID'] });
  });

  const count = async (status?: 'NOT_PAID') => {
    let query = db().selectFrom('ex_executions').select((eb) => eb.fn.countAll<number>().as('n')).where('customer_id', '=', world.customerId);
    if (status) query = query.where('payment_status', '=', status);
    return Number((await query.executeTakeFirstOrThrow()).n);
  };
  const book = () =>
    bookExecution(db(), { customerProgramId: world.customerProgramId, maxTimeSavedSeconds: 86_400, userId: world.bot.userId, at: MID_JAN });

  it('writes committed while the export runs are not in it: a new booking and a status change of every row', async () => {
    const atStart = await count();
    const openAtStart = await count('NOT_PAID');
    assert.ok(openAtStart > 0);
    const batches = exportRowBatches(db(), { customerIds: [world.customerId] }, 500);
    const seen: ExportRow[] = [];
    const first = await batches.next();
    assert.ok(!first.done);
    seen.push(...first.value);
    // Committed while the export is between batches: a booking inside the exported period (a keyset page
    // read after it would find it), and every open booking marked paid.
    const late = await book();
    await db().updateTable('ex_executions').set({ payment_status: 'PAID' }).where('customer_id', '=', world.customerId).execute();
    for await (const batch of batches) seen.push(...batch);
    assert.equal(seen.length, atStart);
    assert.equal(await count(), atStart + 1);
    assert.ok(!seen.some(([id]) => id === late.execution.id), 'the booking committed during the export is not in it');
    const open = seen.filter((row) => row[5] === 'NOT_PAID').length;
    assert.equal(open, openAtStart, 'every row as it was when the export started');
    assert.equal(new Set(seen.map(([id]) => id)).size, seen.length);
  });

  it('the CSV has the header and exactly the rows counted at its start, though a booking commits between its chunks', async () => {
    const manager = await person(db(), { customerId: world.customerId, roles: { customer_program_execution_manager: [] } });
    const atStart = await count();
    const lines = await exportExecutionsCsv(db(), { actorUserId: manager.userId, customerId: world.customerId, from: JAN.toISOString(), to: FEB.toISOString() });
    const chunks: string[] = [];
    for await (const chunk of lines) {
      chunks.push(chunk);
      if (chunks.length === 2) await book();
    }
    assert.ok(chunks.length >= 3, 'header and more than one batch');
    const rows = chunks.join('').trimEnd().split('\r\n');
    assert.equal(rows.length - 1, atStart);
    assert.equal(await count(), atStart + 1);
  });

  it('stopping early ends the snapshot and frees its connection (many exports abandoned after one batch)', async () => {
    for (let i = 0; i < 15; i++) {
      const batches = exportRowBatches(db(), { customerIds: [world.customerId] }, 100);
      assert.equal((await batches.next()).value?.length, 100);
      await batches.return(undefined);
    }
    await book(); // the writer is not blocked by a leftover reader, and the pool still has connections
  });
});
