import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { priceInfoFrom } from './pricing.js';

/** The original's tier table (legacy-core §4.2): € per hour from a number of hours of billable time on. */
const LEGACY_TIERS = [
  [0, 230],
  [6, 200],
  [11, 170],
  [16, 140],
  [21, 110],
  [26, 80],
  [31, 50],
  [45, 30],
].map(([hours, euro]) => ({ fromSeconds: hours! * 3600, pricePerHour: euro! * 1_000_000 }));

const tiered = { pricing_mode: 'tiered' as const, price_per_second: 0, program_time_saved_per_execution_in_seconds: 3600 };

describe('next tier price (D13 fixed)', () => {
  it('names the next tier by its hours and prices a run there', () => {
    const info = priceInfoFrom(tiered, LEGACY_TIERS, 5 * 3600);
    assert.equal(info.pricePerRun, 230_000_000);
    assert.deepEqual(info.next, { fromSeconds: 6 * 3600, pricePerSecond: 55_556, pricePerRun: 200_000_000 });
  });

  it('moves on at the inclusive lower bound of a tier', () => {
    const info = priceInfoFrom(tiered, LEGACY_TIERS, 6 * 3600);
    assert.equal(info.pricePerRun, 200_000_000);
    assert.equal(info.next!.fromSeconds, 11 * 3600);
    assert.equal(info.next!.pricePerRun, 170_000_000);
  });

  it('has no next tier in the last one (the original answered None for almost everything)', () => {
    const info = priceInfoFrom(tiered, LEGACY_TIERS, 50 * 3600);
    assert.equal(info.pricePerRun, 30_000_000);
    assert.equal(info.next, null);
    // 31 h → 50 €/h, next 30 €/h from 45 h (the original's only non-None answer was for 30 → 50)
    assert.equal(priceInfoFrom(tiered, LEGACY_TIERS, 40 * 3600).next!.pricePerRun, 30_000_000);
  });

  it('prices fixed programs by price per second, without tiers', () => {
    const info = priceInfoFrom({ pricing_mode: 'fixed', price_per_second: 10_000, program_time_saved_per_execution_in_seconds: 600 }, [], 0);
    assert.equal(info.pricePerRun, 6_000_000);
    assert.equal(info.pricePerSecond, 10_000);
    assert.equal(info.next, null);
  });

  it('rounds a run of odd length exactly (half to even on micro-units)', () => {
    const info = priceInfoFrom({ ...tiered, program_time_saved_per_execution_in_seconds: 7 }, LEGACY_TIERS, 0);
    // 7 s × 230 €/h = 0,447222… € → 447_222 micro-units
    assert.equal(info.pricePerRun, 447_222);
  });
});
