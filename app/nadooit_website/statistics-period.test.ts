import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statisticsPeriod } from './statistics-period.js';

const NOW = new Date('2025-03-31T10:00:00Z');
const BERLIN = 'Europe/Berlin';
const status = (fn: () => unknown) => {
  try {
    fn();
    return 200;
  } catch (error) {
    return (error as { statusCode?: number }).statusCode;
  }
};

describe('statistics period', () => {
  it('defaults to the last 30 days up to now; a quick period is the last n days', () => {
    const period = statisticsPeriod({}, BERLIN, NOW);
    assert.deepEqual([period.days, period.from.toISOString(), period.to.toISOString(), period.fromDay, period.toDay], [30, '2025-03-01T10:00:00.000Z', NOW.toISOString(), '2025-03-01', '2025-03-31']);
    assert.equal(statisticsPeriod({ days: '7' }, BERLIN, NOW).from.toISOString(), '2025-03-24T10:00:00.000Z');
  });

  it('a free range covers whole local days, both included, also across the clock change', () => {
    const period = statisticsPeriod({ from: '2025-03-30', to: '2025-03-30' }, BERLIN, NOW);
    assert.deepEqual([period.days, period.from.toISOString(), period.to.toISOString()], [null, '2025-03-29T23:00:00.000Z', '2025-03-30T22:00:00.000Z'], 'the 23-hour day of the change to summer time');
  });

  it('refuses what is not a period with 400', () => {
    for (const query of [{ days: '8' }, { from: '2025-02-30', to: '2025-03-01' }, { from: '2025-03-02', to: '2025-03-01' }, { from: '2025-03-01' }, { from: '2020-01-01', to: '2025-01-01' }, { from: '2025-1-1', to: '2025-01-02' }]) {
      assert.equal(status(() => statisticsPeriod(query, BERLIN, NOW)), 400, JSON.stringify(query));
    }
  });
});
