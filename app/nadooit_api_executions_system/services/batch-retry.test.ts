import { it } from 'node:test';
import assert from 'node:assert/strict';
import { FlushFaults } from '../../../test/support/flush-faults.js';
import { describeEachBackend } from '../../../test/support/harness.js';
import { verifyLedger } from '../../nadooit_time_account/ledger.js';
import { bookingWorld } from '../testing/fixtures.js';
import { bookExecution } from './booking.js';
import { groupCommitOf } from './group-commit.js';

/**
 * SQLSTATE 40001 after the flush's first statement, as CockroachDB (SERIALIZABLE) reports a conflict between
 * transactions: on SQLite that statement wrote the ledger entries, on PostgreSQL everything, so all of it must
 * be rolled back and the whole batch run again.
 */
const serializationFailure = () =>
  Object.assign(new Error('could not serialize access due to read/write dependencies among transactions (injected)'), { code: '40001' });

describeEachBackend('a serialization failure (40001) re-runs the whole booking batch and books each booking exactly once', (h) => {
  const db = () => h().system.context.db.kysely;

  for (const failures of [1, 3]) {
    it(`${failures} failure(s) in a row`, async () => {
      const world = await bookingWorld(db(), { balanceSeconds: 100_000 });
      const plugin = new FlushFaults().failNext(failures, serializationFailure);
      const flaky = db().withPlugin(plugin); // same database and adapter, its own group-commit writer
      const book = (seconds: number, idempotencyKey: string | null = null) =>
        bookExecution(flaky, { customerProgramId: world.customerProgramId, timeSavedSeconds: seconds, maxTimeSavedSeconds: 86_400, userId: world.bot.userId, idempotencyKey });
      // Twenty bookings in one event-loop turn: one batch. Two of them carry the same idempotency key.
      const results = await Promise.all([
        ...Array.from({ length: 18 }, (_, i) => book(10 + i)),
        book(500, 'retry-me'),
        book(500, 'retry-me'),
      ]);

      assert.equal(plugin.injected, failures);
      const writer = groupCommitOf(flaky);
      assert.deepEqual([writer.stats.batches, writer.stats.largest], [1, 20], 'committed once, as one batch of all twenty');
      const ids = new Set(results.map((r) => r.execution.id));
      assert.equal(ids.size, 19, 'the repeated idempotency key booked once');
      assert.deepEqual(results.map((r) => r.replayed).slice(18), [false, true]);

      const rows = await db().selectFrom('ex_executions').select(['id', 'covered_seconds']).where('customer_program_id', '=', world.customerProgramId).execute();
      assert.deepEqual(new Set(rows.map((r) => r.id)), ids);
      const drawn = rows.reduce((sum, r) => sum + Number(r.covered_seconds), 0);
      const entries = await db().selectFrom('ta_ledger_entries').select(['seq', 'kind']).where('time_account_id', '=', world.timeAccountId!).orderBy('seq').execute();
      assert.equal(entries.filter((e) => e.kind === 'booking').length, 19, 'one ledger entry per booking, none from the failed attempts');
      assert.deepEqual(entries.map((e) => Number(e.seq)), entries.map((_, i) => i + 1), 'seq gapless');
      const account = await db().selectFrom('ta_time_accounts').select('balance_seconds').where('id', '=', world.timeAccountId!).executeTakeFirstOrThrow();
      assert.equal(Number(account.balance_seconds), 100_000 - drawn);
      const counter = await db().selectFrom('ex_customer_program_counters').select('executions').where('customer_program_id', '=', world.customerProgramId).executeTakeFirstOrThrow();
      assert.equal(Number(counter.executions), 19);
      assert.deepEqual(await verifyLedger(db()), []);
    });
  }
});
