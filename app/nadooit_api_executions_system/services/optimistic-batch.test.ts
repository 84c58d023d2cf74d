import { after, afterEach, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../core/db/connection.js';
import type { DatabaseTarget, Db } from '../../core/db/connection.js';
import { FlushFaults } from '../../../test/support/flush-faults.js';
import { describeEachBackend } from '../../../test/support/harness.js';
import { topUp, verifyLedger } from '../../nadooit_time_account/ledger.js';
import { CONTENDED_MS, setKnownAccountsClock } from '../../nadooit_time_account/known-accounts.js';
import { BookingRefused } from '../errors.js';
import { bookingWorld } from '../testing/fixtures.js';
import type { BookingWorld } from '../testing/fixtures.js';
import { bookExecution } from './booking.js';
import { groupCommitOf } from './group-commit.js';

/**
 * On PostgreSQL a batch whose account this process's last batch left runs without a transaction: one
 * statement (services/booking-batch.ts). Whatever changed meanwhile must make it fall back to the locked
 * transaction, never book on a stale balance. On SQLite every batch is a transaction; the same answers hold.
 */
describeEachBackend('optimistic booking batches', (h) => {
  const db = () => h().system.context.db.kysely;
  const optimisticExpected = () => h().backend !== 'sqlite';
  let elsewhere: Db; // a second process: its own pool, caches and group-commit writer

  before(async () => {
    const { description } = h().system.context.db;
    const target: DatabaseTarget = description.startsWith('sqlite:') ? { kind: 'sqlite', file: description.slice('sqlite:'.length) } : { kind: 'postgres', url: description.slice(description.indexOf(':') + 1) };
    elsewhere = await openDatabase(target);
  });
  after(async () => {
    await elsewhere?.close();
  });
  afterEach(() => setKnownAccountsClock(null));

  const book = (handle: Db['kysely'], world: BookingWorld, seconds: number) =>
    bookExecution(handle, { customerProgramId: world.customerProgramId, timeSavedSeconds: seconds, maxTimeSavedSeconds: 86_400, userId: world.bot.userId });
  const ledgerOf = async (world: BookingWorld) =>
    (await db().selectFrom('ta_ledger_entries').select(['seq', 'seconds', 'balance_after']).where('time_account_id', '=', world.timeAccountId!).orderBy('seq').execute()).map(
      (e) => [Number(e.seq), Number(e.seconds), Number(e.balance_after)],
    );

  /** Runs `bookings` as one batch; whether it went without a transaction. */
  async function oneBatch<T>(bookings: () => Array<Promise<T>>): Promise<{ results: T[]; optimistic: boolean }> {
    const writer = groupCommitOf(db());
    const { batches, optimistic } = writer.stats;
    const results = await Promise.all(bookings());
    assert.equal(writer.stats.batches, batches + 1, 'one batch');
    return { results, optimistic: writer.stats.optimistic === optimistic + 1 };
  }

  it('a batch after the first needs no transaction on PostgreSQL, and books exactly as one would', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 10_000 });
    const first = await oneBatch(() => [book(db(), world, 100)]);
    assert.equal(first.optimistic, false, 'the account was not known yet: read under lock');
    const next = await oneBatch(() => [book(db(), world, 200), book(db(), world, 300), book(db(), world, 400)]);
    assert.equal(next.optimistic, optimisticExpected());
    assert.deepEqual(next.results.map((r) => r.execution.balance_after_seconds), [9_700, 9_400, 9_000]);
    assert.deepEqual(await ledgerOf(world), [
      [1, 10_000, 10_000],
      [2, -100, 9_900],
      [3, -200, 9_700],
      [4, -300, 9_400],
      [5, -400, 9_000],
    ]);
    const counter = await db().selectFrom('ex_customer_program_counters').select('executions').where('customer_program_id', '=', world.customerProgramId).executeTakeFirstOrThrow();
    assert.equal(Number(counter.executions), 4);
    assert.deepEqual(await verifyLedger(db()), []);
  });

  it('a booking by another process in between: the next batch still needs no transaction, and books after it', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 10_000 });
    await oneBatch(() => [book(db(), world, 100)]);
    await oneBatch(() => [book(db(), world, 100)]);
    await book(elsewhere.kysely, world, 1_000); // this process does not know of it

    const next = await oneBatch(() => [book(db(), world, 10), book(db(), world, 20)]);
    assert.equal(next.optimistic, optimisticExpected(), 'written relative to the account as the statement found it');
    assert.deepEqual(next.results.map((r) => r.execution.balance_after_seconds), [8_790, 8_770]);
    assert.deepEqual(await ledgerOf(world), [
      [1, 10_000, 10_000],
      [2, -100, 9_900],
      [3, -100, 9_800],
      [4, -1_000, 8_800],
      [5, -10, 8_790],
      [6, -20, 8_770],
    ]);
    const account = await db().selectFrom('ta_time_accounts').select(['balance_seconds', 'last_seq']).where('id', '=', world.timeAccountId!).executeTakeFirstOrThrow();
    assert.deepEqual([Number(account.balance_seconds), Number(account.last_seq)], [8_770, 6]);
    assert.deepEqual(await verifyLedger(db()), []);
  });

  it(`after a refused optimistic batch the account is read under lock for ${CONTENDED_MS} ms, then assumed again`, async () => {
    let now = 1_000_000;
    setKnownAccountsClock(() => now);
    const world = await bookingWorld(db(), { balanceSeconds: 10_000 });
    await oneBatch(() => [book(db(), world, 100)]);
    await book(elsewhere.kysely, world, 9_850); // leaves 50, which this process does not know
    const refused = await oneBatch(() => [book(db(), world, 100)]);
    assert.equal(refused.optimistic, false, 'the account no longer covers the batch, so its statement was refused');
    assert.deepEqual([refused.results[0]!.execution.covered_seconds, refused.results[0]!.execution.balance_after_seconds], [50, 0], 'under lock: drew what was left');
    await topUp(elsewhere.kysely, { timeAccountId: world.timeAccountId!, seconds: 10_000, authorUserId: null });
    assert.equal((await oneBatch(() => [book(db(), world, 100)])).optimistic, false, 'contended: read under lock');
    assert.equal((await oneBatch(() => [book(db(), world, 100)])).optimistic, false, 'still contended');
    now += CONTENDED_MS;
    assert.equal((await oneBatch(() => [book(db(), world, 100)])).optimistic, false, 'learns the account again under lock');
    const next = await oneBatch(() => [book(db(), world, 100)]);
    assert.equal(next.optimistic, optimisticExpected());
    assert.equal(next.results[0]!.execution.balance_after_seconds, 9_600);
    assert.deepEqual(await verifyLedger(db()), []);
  });

  it('two processes booking on one account at the same time: each booking once, the ledger gapless', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 1_000_000 });
    const writers = [groupCommitOf(db()), groupCommitOf(elsewhere.kysely)];
    const locked = () => writers.map((w) => w.stats.batches - w.stats.optimistic);
    const lockedBefore = locked();
    const waves = 6;
    const perWave = 10;
    const answers = [];
    for (let wave = 0; wave < waves; wave++) {
      answers.push(
        ...(await Promise.all([
          ...Array.from({ length: perWave }, () => book(db(), world, 7)),
          ...Array.from({ length: perWave }, () => book(elsewhere.kysely, world, 7)),
        ])),
      );
    }
    assert.equal(new Set(answers.map((a) => a.execution.id)).size, waves * perWave * 2);
    const ledger = await ledgerOf(world);
    assert.deepEqual(ledger.map(([seq]) => seq), ledger.map((_, i) => i + 1), 'seq gapless');
    assert.equal(ledger.length, 1 + waves * perWave * 2);
    assert.equal(ledger.at(-1)![2], 1_000_000 - 7 * waves * perWave * 2);
    const balances = answers.map((a) => a.execution.balance_after_seconds).sort((a, b) => b! - a!);
    assert.deepEqual(balances, ledger.slice(1).map(([, , after]) => after), 'each answer tells its own entry\'s balance');
    if (optimisticExpected()) {
      assert.deepEqual(locked().map((n, i) => n - lockedBefore[i]!), [1, 1], 'each process read the account under lock once, then wrote relative to it');
    }
    assert.deepEqual(await verifyLedger(db()), []);
  });

  it('an answer lost after the one statement ran fails its bookings without booking them twice', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 10_000 });
    const faults = new FlushFaults();
    const flaky = db().withPlugin(faults);
    await book(flaky, world, 100);
    faults.failNext(1, () => new Error('Connection terminated unexpectedly (injected)')); // no SQLSTATE: the answer was lost
    const outcomes = await Promise.allSettled([book(flaky, world, 10), book(flaky, world, 20)]);
    const executions = await db().selectFrom('ex_executions').select('covered_seconds').where('customer_program_id', '=', world.customerProgramId).execute();
    if (optimisticExpected()) {
      // The statement committed; whether it did was unknown to the writer, so it ran nothing again.
      assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected']);
      assert.match(String((outcomes[0] as PromiseRejectedResult).reason), /Connection terminated/);
    } else {
      // Inside a transaction the failure rolled the batch back; its bookings were then made one by one.
      assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'fulfilled']);
    }
    assert.deepEqual(executions.map((e) => Number(e.covered_seconds)).sort((a, b) => a - b), [10, 20, 100], 'each booking once');
    assert.deepEqual((await ledgerOf(world)).map(([, seconds]) => seconds), [10_000, -100, -10, -20]);
    assert.deepEqual(await verifyLedger(db()), []);
  });

  it('a program switched off in this process is refused by the very next batch', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 10_000 });
    await oneBatch(() => [book(db(), world, 100)]);
    await oneBatch(() => [book(db(), world, 100)]);
    await db().updateTable('pos_customer_programs').set({ is_active: false }).where('id', '=', world.customerProgramId).execute();
    await assert.rejects(book(db(), world, 100), (error: unknown) => error instanceof BookingRefused && error.refusal === 'program_inactive');
    assert.equal((await ledgerOf(world)).length, 3);
  });

  it('an account switched off by another process is not drawn from by the next batch', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 10_000 });
    await oneBatch(() => [book(db(), world, 100)]);
    await oneBatch(() => [book(db(), world, 100)]);
    await elsewhere.kysely.updateTable('ta_time_accounts').set({ is_active: false }).where('id', '=', world.timeAccountId!).execute();
    const next = await oneBatch(() => [book(db(), world, 100)]);
    assert.equal(next.optimistic, false, 'its guarded UPDATE refused the switched-off account');
    const { execution } = next.results[0]!;
    assert.deepEqual([execution.covered_seconds, execution.billable_seconds, execution.time_account_id], [0, 100, null], 'billed, not drawn');
    assert.equal((await ledgerOf(world)).length, 3);
    assert.deepEqual(await verifyLedger(db()), []);
  });

  it('an empty account topped up by another process is drawn from by the next batch', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 100 });
    await oneBatch(() => [book(db(), world, 100)]);
    const empty = await oneBatch(() => [book(db(), world, 50)]);
    assert.equal(empty.results[0]!.execution.covered_seconds, 0);
    await topUp(elsewhere.kysely, { timeAccountId: world.timeAccountId!, seconds: 1_000, authorUserId: null });
    const next = await oneBatch(() => [book(db(), world, 30)]);
    assert.equal(next.optimistic, false, 'nothing to draw from an account known empty: read under lock');
    assert.deepEqual([next.results[0]!.execution.covered_seconds, next.results[0]!.execution.balance_after_seconds], [30, 970]);
    assert.deepEqual((await ledgerOf(world)).map(([, seconds]) => seconds), [100, -100, 1_000, -30]);
    assert.deepEqual(await verifyLedger(db()), []);
  });
});
