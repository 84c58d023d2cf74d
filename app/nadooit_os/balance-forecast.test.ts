import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { balanceSeries, runOutForecast } from './balance-forecast.js';

const NOW = new Date('2026-03-31T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

describe('balance history and run-out forecast', () => {
  const entries = [
    { created_at: daysAgo(40), kind: 'top_up', seconds: 36_000, balance_after: 36_000 },
    { created_at: daysAgo(35), kind: 'booking', seconds: -18_000, balance_after: 18_000 }, // outside the 30 days
    { created_at: daysAgo(20), kind: 'booking', seconds: -3_600, balance_after: 14_400 },
    { created_at: daysAgo(10), kind: 'refund', seconds: 1_800, balance_after: 16_200 },
    { created_at: daysAgo(5), kind: 'top_up', seconds: 7_200, balance_after: 23_400 },
    { created_at: daysAgo(2), kind: 'booking', seconds: -7_200, balance_after: 16_200 },
  ];

  it('lists the balance after each entry, oldest first, with top-ups marked', () => {
    const series = balanceSeries([...entries].reverse());
    assert.deepEqual(series.map((p) => p.balance), [36_000, 18_000, 14_400, 16_200, 23_400, 16_200]);
    assert.deepEqual(series.map((p) => p.topUp), [true, false, false, false, true, false]);
  });

  it('forecasts from the net use of the last 30 days: bookings minus refunds, not top-ups', () => {
    const forecast = runOutForecast(entries, 16_200, NOW)!;
    // 3600 + 7200 − 1800 = 9000 s in 30 days = 300 s a day; 16 200 s last 54 days.
    assert.equal(forecast.secondsPerDay, 300);
    assert.equal(forecast.at.toISOString(), new Date(NOW.getTime() + 54 * 86_400_000).toISOString());
  });

  it('makes no forecast without use or without balance', () => {
    assert.equal(runOutForecast(entries.slice(0, 2), 18_000, NOW), null);
    assert.equal(runOutForecast(entries, 0, NOW), null);
  });
});
