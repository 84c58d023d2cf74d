import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { verifyLedger } from '../../nadooit_time_account/ledger.js';
import { billableSecondsOf, setProgramTiers } from '../pricing.js';
import { bookingWorld, legacyForm } from '../testing/fixtures.js';
import { bookExecution } from './booking.js';
import { groupCommitOf } from './group-commit.js';
import { applyPaymentStatus, cancelExecution } from './payment.js';

const MAX = 31 * 86_400;

describeEachBackend('booking service: pricing, covering, counters', (h) => {
  const db = () => h().system.context.db.kysely;
  const book = (customerProgramId: string, seconds: number, extra: { idempotencyKey?: string; userId?: string | null } = {}) =>
    bookExecution(db(), { customerProgramId, timeSavedSeconds: seconds, maxTimeSavedSeconds: MAX, userId: extra.userId === undefined ? null : extra.userId, idempotencyKey: extra.idempotencyKey });
  const counter = async (cp: string) =>
    db().selectFrom('ex_customer_program_counters').selectAll().where('customer_program_id', '=', cp).executeTakeFirst();

  it('fixed price, worked example §4.2: B=100 s, T=300 s, 0.01 €/s → 2.00 €, balance 0, NOT_PAID', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 100, pricePerSecond: 10_000 });
    const { execution } = await book(world.customerProgramId, 300);
    assert.deepEqual(
      [execution.time_saved_seconds, execution.covered_seconds, execution.billable_seconds, execution.price, execution.payment_status, execution.balance_after_seconds],
      [300, 100, 200, 2_000_000, 'NOT_PAID', 0],
    );
  });

  it('fully covered → price 0 and PAID (never open); exact micro-units for odd prices', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 1000, pricePerSecond: 12_500 });
    const covered = await book(world.customerProgramId, 600);
    assert.deepEqual([covered.execution.price, covered.execution.payment_status], [0, 'PAID']);
    const partly = await book(world.customerProgramId, 600); // 400 covered, 200 × 0.0125 € = 2.5 €
    assert.deepEqual([partly.execution.covered_seconds, partly.execution.price], [400, 2_500_000]);
    const none = await book(world.customerProgramId, 229); // 229 × 0.0125 = 2.8625 €
    assert.equal(none.execution.price, 2_862_500);
  });

  it('tiered, worked example §4.2: after 7 h of this program, 200 s cost 200 €/h → 11.111111 €', async () => {
    const world = await bookingWorld(db(), { withTimeAccount: false, pricingMode: 'tiered' });
    assert.equal(await billableSecondsOf(db(), world.customerProgramId), 0, 'no booking yet: first tier');
    const first = await book(world.customerProgramId, 7 * 3600);
    assert.equal(first.execution.price, 1610 * 1_000_000); // 7 h at the first tier (230 €/h)
    assert.equal(first.execution.tier_price_per_hour, 230_000_000);
    const second = await book(world.customerProgramId, 200);
    assert.equal(second.execution.tier_price_per_hour, 200_000_000);
    assert.equal(second.execution.price, 11_111_111);
    assert.equal(second.execution.price_per_second, 55_556);
    assert.equal(await billableSecondsOf(db(), world.customerProgramId), 7 * 3600 + 200);
  });

  it('tiered like the original sample: 718 s at 230 €/h → 45.872222 €', async () => {
    const world = await bookingWorld(db(), { withTimeAccount: false, pricingMode: 'tiered' });
    const { execution } = await book(world.customerProgramId, 718);
    assert.equal(execution.price, 45_872_222);
    assert.equal(execution.price_per_second, 63_889);
  });

  it('fix D1: other programs\' unpaid bookings do not move this program into a cheaper tier', async () => {
    const busy = await bookingWorld(db(), { withTimeAccount: false, pricingMode: 'tiered', customerName: 'Großkunde' });
    await book(busy.customerProgramId, 50 * 3600);
    const fresh = await bookingWorld(db(), { withTimeAccount: false, pricingMode: 'tiered' });
    const { execution } = await book(fresh.customerProgramId, 3600);
    assert.equal(execution.tier_price_per_hour, 230_000_000);
    assert.equal(execution.price, 230_000_000);
  });

  it('covered seconds do not count toward the tier; revoked bookings leave the running total', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 10 * 3600, pricingMode: 'tiered' });
    await book(world.customerProgramId, 10 * 3600); // all covered
    const next = await book(world.customerProgramId, 6 * 3600);
    assert.equal(next.execution.tier_price_per_hour, 230_000_000);
    const after = await book(world.customerProgramId, 60);
    assert.equal(after.execution.tier_price_per_hour, 200_000_000);
    await cancelExecution(db(), { executionId: next.execution.id, actorUserId: null });
    assert.equal(await billableSecondsOf(db(), world.customerProgramId), 60);
    const again = await book(world.customerProgramId, 60);
    assert.equal(again.execution.tier_price_per_hour, 230_000_000);
  });

  it('one batch of a tiered and an untiered program: tiers in arrival order, both counters add up', async () => {
    const tiered = await bookingWorld(db(), { withTimeAccount: false, pricingMode: 'tiered' });
    await setProgramTiers(db(), tiered.customerProgramId, [
      { fromSeconds: 0, pricePerHour: 100_000_000 },
      { fromSeconds: 3600, pricePerHour: 50_000_000 },
    ]);
    const flat = await bookingWorld(db(), { withTimeAccount: false, pricePerSecond: 1_000 });
    await book(flat.customerProgramId, 10); // its counter exists before the batch adds to it
    const writer = groupCommitOf(db());
    const before = writer.stats.batches;
    const results = await Promise.all([
      book(tiered.customerProgramId, 1800),
      book(flat.customerProgramId, 20),
      book(tiered.customerProgramId, 1800),
      book(tiered.customerProgramId, 1800),
      book(flat.customerProgramId, 30),
    ]);
    assert.equal(writer.stats.batches - before, 1, 'all five in one batch');
    assert.deepEqual(
      results.map((r) => r.execution.price),
      [50_000_000, 20_000, 50_000_000, 25_000_000, 30_000],
      'the third tiered booking starts at 3,600 s: the cheaper tier',
    );
    const [tieredCounter, flatCounter] = [await counter(tiered.customerProgramId), await counter(flat.customerProgramId)];
    assert.deepEqual([Number(tieredCounter?.billable_seconds), Number(tieredCounter?.executions)], [5400, 3]);
    assert.deepEqual([Number(flatCounter?.billable_seconds), Number(flatCounter?.executions)], [60, 3]);
    const next = await book(tiered.customerProgramId, 36);
    assert.equal(next.execution.tier_price_per_hour, 50_000_000, 'the next batch reads the stored total');
  });

  it('a program with its own tier table uses only that table', async () => {
    const world = await bookingWorld(db(), { withTimeAccount: false, pricingMode: 'tiered' });
    await setProgramTiers(db(), world.customerProgramId, [
      { fromSeconds: 0, pricePerHour: 100_000_000 },
      { fromSeconds: 3600, pricePerHour: 50_000_000 },
    ]);
    assert.equal((await book(world.customerProgramId, 3600)).execution.price, 100_000_000);
    assert.equal((await book(world.customerProgramId, 36)).execution.price, 500_000);
    await setProgramTiers(db(), world.customerProgramId, []);
    assert.equal((await book(world.customerProgramId, 36)).execution.tier_price_per_hour, 230_000_000);
  });

  it('fix D6: revoking a partly covered booking credits back exactly the covered seconds', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 100, pricePerSecond: 10_000 });
    const { execution } = await book(world.customerProgramId, 300);
    const change = await cancelExecution(db(), { executionId: execution.id, actorUserId: null, note: 'Fehlbuchung' });
    assert.equal(change.execution.payment_status, 'REVOKED');
    assert.equal(change.creditedSeconds, 100);
    const account = await db().selectFrom('ta_time_accounts').select('balance_seconds').where('id', '=', world.timeAccountId!).executeTakeFirstOrThrow();
    assert.equal(Number(account.balance_seconds), 100);
    const refundEntries = await db().selectFrom('ta_ledger_entries').selectAll().where('execution_id', '=', execution.id).where('kind', '=', 'refund').execute();
    assert.deepEqual(refundEntries.map((e) => Number(e.seconds)), [100]);
    await assert.rejects(cancelExecution(db(), { executionId: execution.id, actorUserId: null }), /bereits/);
    assert.deepEqual(await verifyLedger(db()), []);
  });

  it('refund of a paid booking: PAID → REFUNDED credits the drawn seconds once', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 50, pricePerSecond: 1_000 });
    const { execution } = await book(world.customerProgramId, 80);
    await applyPaymentStatus(db(), { executionId: execution.id, to: 'PAID', actorUserId: null });
    const change = await cancelExecution(db(), { executionId: execution.id, actorUserId: null });
    assert.deepEqual([change.execution.payment_status, change.creditedSeconds], ['REFUNDED', 50]);
  });

  it('idempotency is scoped to the booking user', async () => {
    const world = await bookingWorld(db(), { balanceSeconds: 1000 });
    const a = await book(world.customerProgramId, 10, { idempotencyKey: 'k', userId: world.bot.userId });
    const b = await book(world.customerProgramId, 10, { idempotencyKey: 'k', userId: world.bot.userId });
    assert.equal(b.replayed, true);
    assert.equal(b.execution.id, a.execution.id);
    const other = await book(world.customerProgramId, 10, { idempotencyKey: 'k', userId: null });
    assert.notEqual(other.execution.id, a.execution.id);
  });

  it('≥500 bookings fired in parallel at one time account: balance, ledger, executions and counter agree exactly', async () => {
    const start = 100_000;
    const world = await bookingWorld(db(), { balanceSeconds: start, pricePerSecond: 1_000 });
    const app = await h().app();
    const n = 520;
    const seconds = (i: number) => 150 + (i % 7) * 61;
    const answers = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        app.inject({
          method: 'POST',
          url: '/api/executions',
          payload: legacyForm(world, { time_saved: String(seconds(i)) }),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      ),
    );
    assert.deepEqual(answers.filter((a) => a.statusCode !== 200).map((a) => a.body), []);
    const rows = await db().selectFrom('ex_executions').selectAll().where('customer_program_id', '=', world.customerProgramId).execute();
    assert.equal(rows.length, n);
    const charged = rows.reduce((s, r) => s + Number(r.time_saved_seconds), 0);
    assert.equal(charged, Array.from({ length: n }, (_, i) => seconds(i)).reduce((a, b) => a + b, 0));
    const covered = rows.reduce((s, r) => s + Number(r.covered_seconds), 0);
    const billable = rows.reduce((s, r) => s + Number(r.billable_seconds), 0);
    assert.equal(covered + billable, charged);
    assert.ok(charged > start, 'the run must exhaust the account to test the edge');
    assert.equal(covered, start);
    const account = await db().selectFrom('ta_time_accounts').select('balance_seconds').where('id', '=', world.timeAccountId!).executeTakeFirstOrThrow();
    assert.equal(Number(account.balance_seconds), start - covered);
    const ledger = await db()
      .selectFrom('ta_ledger_entries')
      .select((eb) => [eb.fn.sum<number>('seconds').as('total'), eb.fn.countAll<number>().as('entries')])
      .where('time_account_id', '=', world.timeAccountId!)
      .where('kind', '=', 'booking')
      .executeTakeFirstOrThrow();
    assert.equal(Number(ledger.total), -covered);
    assert.equal(rows.filter((r) => r.covered_seconds > 0 && r.covered_seconds < r.time_saved_seconds).length <= 1, true);
    assert.equal(Number(ledger.entries), rows.filter((r) => r.covered_seconds > 0).length);
    assert.equal(rows.reduce((s, r) => s + Number(r.price), 0), billable * 1_000);
    const c = await counter(world.customerProgramId);
    assert.deepEqual([Number(c!.billable_seconds), Number(c!.executions)], [billable, n]);
    assert.deepEqual(await verifyLedger(db()), []);
    const answered = new Set(answers.map((a) => a.json().execution_id as string));
    assert.deepEqual(answered, new Set(rows.map((r) => r.id)));
  });
});
