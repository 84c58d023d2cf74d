import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { verifyLedger } from '../../nadooit_time_account/ledger.js';
import { BookingRefused } from '../errors.js';
import { bookingWorld } from '../testing/fixtures.js';
import { bookExecution } from './booking.js';
import type { BookExecutionInput } from './booking.js';
import { groupCommitOf } from './group-commit.js';

const MAX = 31 * 86_400;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describeEachBackend('group commit of bookings', (h) => {
  const db = () => h().system.context.db.kysely;
  const input = (customerProgramId: string, seconds: number, extra: Partial<BookExecutionInput> = {}): BookExecutionInput => ({
    customerProgramId,
    timeSavedSeconds: seconds,
    maxTimeSavedSeconds: MAX,
    userId: null,
    ...extra,
  });
  const ledgerOf = (timeAccountId: string) =>
    db().selectFrom('ta_ledger_entries').select(['seq', 'seconds', 'balance_after', 'execution_id']).where('time_account_id', '=', timeAccountId).orderBy('seq').execute();

  it('a batch with refused bookings commits the others, in arrival order with their own balances', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 10_000 });
    const inactive = await bookingWorld(db(), { active: false, customerName: 'Ruhend GmbH' });
    const keyed = await bookExecution(db(), input(world.customerProgramId, 60, { idempotencyKey: 'run-7', userId: world.bot.userId }));
    const writer = groupCommitOf(db());
    const batchesBefore = writer.stats.batches;

    const outcomes = await Promise.allSettled([
      bookExecution(db(), input(world.customerProgramId, 100)),
      bookExecution(db(), input(inactive.customerProgramId, 100)),
      bookExecution(db(), input(world.customerProgramId, 200)),
      bookExecution(db(), input(randomUUID(), 100)),
      bookExecution(db(), input(world.customerProgramId, 90, { idempotencyKey: 'run-7', userId: world.bot.userId })),
      bookExecution(db(), input(world.customerProgramId, 300)),
    ]);

    assert.equal(writer.stats.batches, batchesBefore + 1, 'all six went into one batch');
    const refusals = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as BookingRefused).refusal : 'booked'));
    assert.deepEqual(refusals, ['booked', 'program_inactive', 'booked', 'program_not_found', 'idempotency_conflict', 'booked']);
    assert.ok(outcomes.filter((o) => o.status === 'rejected').every((o) => (o as PromiseRejectedResult).reason instanceof BookingRefused));
    const booked = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.execution] : []));
    assert.deepEqual(
      booked.map((e) => e.balance_after_seconds),
      [10_000 - 60 - 100, 10_000 - 60 - 100 - 200, 10_000 - 60 - 100 - 200 - 300],
    );

    const rows = await db().selectFrom('ex_executions').select('id').where('customer_program_id', '=', world.customerProgramId).execute();
    assert.deepEqual(new Set(rows.map((r) => r.id)), new Set([keyed.execution.id, ...booked.map((e) => e.id)]));
    assert.equal((await db().selectFrom('ex_executions').select('id').where('customer_program_id', '=', inactive.customerProgramId).execute()).length, 0);
    const ledger = await ledgerOf(world.timeAccountId!);
    assert.deepEqual(
      ledger.map((e) => [Number(e.seq), Number(e.seconds), Number(e.balance_after), e.execution_id]),
      [
        [1, 10_000, 10_000, null],
        [2, -60, 9_940, keyed.execution.id],
        [3, -100, 9_840, booked[0]!.id],
        [4, -200, 9_640, booked[1]!.id],
        [5, -300, 9_340, booked[2]!.id],
      ],
    );
    const counter = await db().selectFrom('ex_customer_program_counters').selectAll().where('customer_program_id', '=', world.customerProgramId).executeTakeFirstOrThrow();
    assert.equal(Number(counter.executions), 4);
    assert.deepEqual(await verifyLedger(db()), []);
  });

  it('parallel retries with one idempotency key book once, within a batch and across batches', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 10_000 });
    const writer = groupCommitOf(db());
    const batchesBefore = writer.stats.batches;
    const attempt = () => bookExecution(db(), input(world.customerProgramId, 120, { idempotencyKey: 'bot-run-42', userId: world.bot.userId }));

    const firstWave = Array.from({ length: 5 }, attempt);
    await nextTurn(); // the first batch has started: these go into a later one
    const secondWave = Array.from({ length: 5 }, attempt);
    const answers = await Promise.all([...firstWave, ...secondWave]);

    assert.ok(writer.stats.batches >= batchesBefore + 2, 'the retries were spread over at least two batches');
    assert.equal(new Set(answers.map((a) => a.execution.id)).size, 1);
    assert.equal(answers.filter((a) => !a.replayed).length, 1);
    const rows = await db().selectFrom('ex_executions').select('id').where('customer_program_id', '=', world.customerProgramId).execute();
    assert.equal(rows.length, 1);
    const ledger = await ledgerOf(world.timeAccountId!);
    assert.deepEqual(ledger.map((e) => Number(e.seconds)), [10_000, -120]);
    assert.deepEqual(await verifyLedger(db()), []);
  });

  it('a booking inside a caller\'s transaction books there and vanishes with its rollback', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 1_000 });
    const { transaction } = await import('../../core/db/transaction.js');
    await assert.rejects(
      transaction(db(), async (tx) => {
        const { execution } = await bookExecution(tx, input(world.customerProgramId, 100));
        assert.equal(execution.balance_after_seconds, 900);
        throw new Error('caller gives up');
      }),
      /caller gives up/,
    );
    assert.equal((await db().selectFrom('ex_executions').select('id').where('customer_program_id', '=', world.customerProgramId).execute()).length, 0);
    assert.deepEqual((await ledgerOf(world.timeAccountId!)).map((e) => Number(e.seconds)), [1_000]);
  });
});
