import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { beta, seededRandom } from './random.js';
import { chiSquareSurvival, srmPValue } from './srm.js';
import { allocate, estimate, pick } from './thompson.js';

describe('experiment maths', () => {
  it('a seeded generator repeats itself; Beta draws have the right mean', () => {
    const a = seededRandom('x');
    const b = seededRandom('x');
    assert.deepEqual([a(), a(), a()], [b(), b(), b()]);
    const random = seededRandom(7);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += beta(3, 7, random);
    assert.ok(Math.abs(sum / 20_000 - 0.3) < 0.01);
  });

  it('chi-square tail probabilities match the tables', () => {
    assert.ok(Math.abs(chiSquareSurvival(3.841, 1) - 0.05) < 1e-3);
    assert.ok(Math.abs(chiSquareSurvival(5.991, 2) - 0.05) < 1e-3);
    assert.ok(Math.abs(chiSquareSurvival(10.828, 1) - 0.001) < 1e-4);
    assert.ok(Math.abs(chiSquareSurvival(30, 20) - 0.0699) < 1e-3);
  });

  it('the sample-ratio check passes a fair split and flags a skewed one; tiny periods are not tested', () => {
    assert.ok(srmPValue([{ observed: [510, 490], shares: [1, 1] }])! > 0.3);
    assert.ok(srmPValue([{ observed: [600, 400], shares: [1, 1] }])! < 0.001);
    assert.ok(srmPValue([{ observed: [850, 150], shares: [0.85, 0.15] }])! > 0.3, 'uneven shares are expected, not a mismatch');
    assert.equal(srmPValue([{ observed: [3, 1], shares: [1, 1] }]), null);
  });

  it('a clearly better order is best with high probability, with credible intervals around the rates', () => {
    const [a, b] = estimate([{ orderId: 'a', sessions: 1000, conversions: 50 }, { orderId: 'b', sessions: 1000, conversions: 100 }], seededRandom(1));
    assert.ok(b!.probabilityBest > 0.99);
    assert.ok(a!.low < 0.05 && 0.05 < a!.high && a!.high < b!.low, 'the intervals separate');
    assert.ok(Math.abs(a!.probabilityBest + b!.probabilityBest - 1) < 1e-9);
  });

  it('allocates evenly before the minimum sample, keeps the floor share, declares a winner at 95 %', () => {
    const est = estimate(
      [
        { orderId: 'a', sessions: 500, conversions: 10 },
        { orderId: 'b', sessions: 500, conversions: 60 },
        { orderId: 'c', sessions: 40, conversions: 1 },
      ],
      seededRandom(2),
    );
    assert.deepEqual(allocate(est, { minSessions: 50, floorShare: 0.05 }), { phase: 'burn_in', shares: [1 / 3, 1 / 3, 1 / 3], winner: null });
    const ready = allocate(est, { minSessions: 10, floorShare: 0.05 });
    assert.equal(ready.phase, 'bandit');
    assert.equal(ready.winner, 'b');
    assert.ok(Math.abs(ready.shares.reduce((x, y) => x + y, 0) - 1) < 1e-9);
    assert.ok(ready.shares.every((s) => s >= 0.05 - 1e-12));
    assert.ok(ready.shares[1]! > 0.85);
    assert.equal(allocate(est, { minSessions: 10, floorShare: 0.4 }).shares[0], 1 / 3, 'a floor that leaves nothing to move splits evenly');
  });

  it('picks in proportion to the shares', () => {
    const random = seededRandom(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 10_000; i++) counts[pick([0.1, 0.2, 0.7], random)]! += 1;
    assert.ok(Math.abs(counts[2]! / 10_000 - 0.7) < 0.02 && Math.abs(counts[0]! / 10_000 - 0.1) < 0.02);
    assert.equal(pick([0, 1], () => 0), 1, 'a zero share is never picked');
  });
});
