import { it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describeEachBackend } from '../../test/support/harness.js';
import { makeCustomer } from '../nadooit_hr/testing.js';
import { createTimeAccount, drawForBooking, refund } from './ledger.js';
import { forecastThreshold, listAccountsBelowLowBalance, lowBalanceOf } from './low-balance.js';
import { createCustomerTimeAccount, setCustomerTimeAccountActive } from './services.js';

const SYSTEM = { actorUserId: null, asStaff: true } as const;
const NOW = new Date('2025-06-15T12:00:00.000Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

describeEachBackend('low balance', (h) => {
  const db = () => h().system.context.db.kysely;
  const draw = (timeAccountId: string, seconds: number, at: Date) => drawForBooking(db(), { timeAccountId, seconds, executionId: randomUUID(), at });

  it('an own threshold wins: below it is low, at it is not; 0 switches the warning off', async () => {
    const below = await createTimeAccount(db(), { name: 'unter', openingBalanceSeconds: 3599, lowBalanceThresholdSeconds: 3600 });
    const at = await createTimeAccount(db(), { name: 'gleich', openingBalanceSeconds: 3600, lowBalanceThresholdSeconds: 3600 });
    const off = await createTimeAccount(db(), { name: 'aus', openingBalanceSeconds: 10, lowBalanceThresholdSeconds: 0 });
    // Heavy use would trip the default, but the own threshold (0) decides.
    await draw(off.id, 10, daysAgo(1));
    const low = await lowBalanceOf(db(), [below.id, at.id, off.id], NOW);
    assert.deepEqual([...low.keys()], [below.id]);
    assert.deepEqual(
      { ...low.get(below.id)!, customers: [] },
      { timeAccountId: below.id, name: 'unter', balanceSeconds: 3599, thresholdSeconds: 3600, thresholdSource: 'set', usedSecondsPerDay: 0, customers: [] },
    );
  });

  it('without a threshold: low when the balance lasts less than 14 days at the use of the last 30 (refunds count back, older use not)', async () => {
    // 30 h used in the window → 1 h a day → default threshold 14 h.
    const short = await createTimeAccount(db(), { name: 'knapp', openingBalanceSeconds: 30 * 3600 + 13 * 3600 });
    await draw(short.id, 20 * 3600, daysAgo(20));
    await draw(short.id, 10 * 3600, daysAgo(2));
    const enough = await createTimeAccount(db(), { name: 'reicht', openingBalanceSeconds: 30 * 3600 + 14 * 3600 });
    await draw(enough.id, 30 * 3600, daysAgo(5));
    const refunded = await createTimeAccount(db(), { name: 'erstattet', openingBalanceSeconds: 30 * 3600 + 13 * 3600 });
    const execution = randomUUID();
    await drawForBooking(db(), { timeAccountId: refunded.id, seconds: 30 * 3600, executionId: execution, at: daysAgo(5) });
    await refund(db(), { timeAccountId: refunded.id, seconds: 20 * 3600, executionId: execution, note: 'Reklamation' });
    const old = await createTimeAccount(db(), { name: 'alt', openingBalanceSeconds: 100 * 3600 + 60 });
    await draw(old.id, 100 * 3600, daysAgo(31));
    const unused = await createTimeAccount(db(), { name: 'leer', openingBalanceSeconds: 0 });
    const low = await lowBalanceOf(db(), [short.id, enough.id, refunded.id, old.id, unused.id], NOW);
    assert.deepEqual([...low.keys()], [short.id]);
    const account = low.get(short.id)!;
    assert.deepEqual([account.balanceSeconds, account.thresholdSeconds, account.thresholdSource, account.usedSecondsPerDay], [13 * 3600, 14 * 3600, 'forecast', 3600]);
    assert.equal(forecastThreshold(30 * 3600), 14 * 3600);
    assert.equal(forecastThreshold(-5), 0);
  });

  it('listAccountsBelowLowBalance: active accounts only, lowest balance first, with the customers they are labelled for', async () => {
    const customer = await makeCustomer(db());
    const first = await createCustomerTimeAccount(db(), { ...SYSTEM, customerId: customer, name: 'Hauptkonto', openingBalanceSeconds: 5, lowBalanceThresholdSeconds: 3600 });
    const second = await createCustomerTimeAccount(db(), { ...SYSTEM, customerId: customer, name: 'Nebenkonto', openingBalanceSeconds: 6, lowBalanceThresholdSeconds: 3600 });
    const inactive = await createCustomerTimeAccount(db(), { ...SYSTEM, customerId: customer, name: 'Alt', openingBalanceSeconds: 1, lowBalanceThresholdSeconds: 3600 });
    await setCustomerTimeAccountActive(db(), { ...SYSTEM, customerTimeAccountId: inactive.customerTimeAccountId, active: false });
    const all = await listAccountsBelowLowBalance(db(), { now: NOW });
    const ids = all.map((a) => a.timeAccountId);
    assert.ok(ids.indexOf(first.timeAccountId) >= 0 && ids.indexOf(first.timeAccountId) < ids.indexOf(second.timeAccountId));
    assert.ok(!ids.includes(inactive.timeAccountId));
    assert.deepEqual(all.find((a) => a.timeAccountId === first.timeAccountId)!.customers, [
      { customerTimeAccountId: first.customerTimeAccountId, customerId: customer, name: 'Hauptkonto' },
    ]);
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.balanceSeconds <= all[i]!.balanceSeconds);
    assert.deepEqual(await lowBalanceOf(db(), [], NOW), new Map());
  });
});
