import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDateTime, formatDuration, formatMoney, microToDecimalString, microToMilliHalfEven } from './format.js';

const EUR = 1_000_000;

describe('money formatting (legacy-core §6.4)', () => {
  it('matches the original examples exactly', () => {
    assert.equal(formatMoney(10 * EUR), '10,000 €');
    assert.equal(formatMoney(10_000_600), '10,001 €');
    assert.equal(formatMoney(10_000_300), '10,000 €');
    assert.equal(formatMoney(666_660_000), '666,660 €');
    assert.equal(formatMoney(1_333_320_000), '1.333,320 €');
    assert.equal(formatMoney(1_999_980_000), '1.999,980 €');
    assert.equal(formatMoney(null), '0,000 €');
    assert.equal(formatMoney(undefined), '0,000 €');
  });

  it('rounds half to even at the third decimal, without floats', () => {
    assert.equal(formatMoney(500), '0,000 €'); // 0.0005 → 0.000 (0 is even)
    assert.equal(formatMoney(1_500), '0,002 €'); // 0.0015 → 0.002
    assert.equal(formatMoney(2_500), '0,002 €'); // 0.0025 → 0.002
    assert.equal(formatMoney(2_501), '0,003 €');
    assert.equal(formatMoney(999_999_999_999_500), '1.000.000.000,000 €'); // carry through every group
    assert.equal(formatMoney(1_234_567_499), '1.234,567 €');
    assert.equal(formatMoney(1_234_567_500), '1.234,568 €'); // 567 is odd → up
    assert.equal(formatMoney(1_234_568_500), '1.234,568 €'); // 568 is even → stays
    assert.equal(microToMilliHalfEven(-1_500), -2n);
    assert.equal(formatMoney(-1_234_567_000), '-1.234,567 €');
  });

  it('is exact beyond the float range', () => {
    assert.equal(formatMoney(9_007_199_254_740_993n), '9.007.199.254,741 €');
    assert.throws(() => formatMoney(0.5));
  });

  it('uses English separators in English', () => {
    assert.equal(formatMoney(1_333_320_000, 'en'), '1,333.320 €');
  });

  it('writes exact decimals for CSV', () => {
    assert.equal(microToDecimalString(1_234_567_890), '1234.567890');
    assert.equal(microToDecimalString(5), '0.000005');
    assert.equal(microToDecimalString(-5), '-0.000005');
  });
});

describe('duration formatting (legacy-core §6.4)', () => {
  it('matches the original example and has no zero padding', () => {
    assert.equal(formatDuration(90185), '25 std : 3 min : 5 sek');
    assert.equal(formatDuration(0), '0 std : 0 min : 0 sek');
    assert.equal(formatDuration(null), '0 std : 0 min : 0 sek');
    assert.equal(formatDuration(59), '0 std : 0 min : 59 sek');
    assert.equal(formatDuration(3600), '1 std : 0 min : 0 sek');
    assert.equal(formatDuration(90185, 'en'), '25 h : 3 min : 5 s');
  });
});

describe('local date-time formatting', () => {
  it('shows UTC instants in the customer zone', () => {
    assert.equal(formatDateTime('2024-12-31T23:30:00.000Z', 'Europe/Berlin'), '01.01.2025, 00:30');
    assert.equal(formatDateTime('2025-07-01T10:00:00.000Z', 'Europe/Berlin'), '01.07.2025, 12:00');
    assert.equal(formatDateTime('2025-07-01T10:00:00.000Z', 'UTC', 'en'), '01/07/2025, 10:00');
  });
});
