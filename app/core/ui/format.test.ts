import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDate, formatDateTime, formatDecimal, formatDuration, formatMoney, formatRate, formatSpreadsheetDateTime } from './format.js';

const EUR = 1_000_000;

describe('money on pages: two decimals, the same in admin and dashboard', () => {
  it('groups thousands and writes two decimals', () => {
    assert.equal(formatMoney(10 * EUR), '10,00 €');
    assert.equal(formatMoney(1_333_320_000), '1.333,32 €');
    assert.equal(formatMoney(999_999_999_000_000), '999.999.999,00 €');
    assert.equal(formatMoney(null), '0,00 €');
    assert.equal(formatMoney(undefined), '0,00 €');
    assert.equal(formatMoney(-1_234_567_000), '-1.234,57 €');
  });

  it('rounds half to even at the second decimal, without floats', () => {
    assert.equal(formatMoney(5_000), '0,00 €'); // 0.005 → 0.00 (0 is even)
    assert.equal(formatMoney(15_000), '0,02 €'); // 0.015 → 0.02
    assert.equal(formatMoney(25_000), '0,02 €'); // 0.025 → 0.02
    assert.equal(formatMoney(25_001), '0,03 €');
    assert.equal(formatMoney(-15_000), '-0,02 €');
    assert.equal(formatMoney(999_999_999_995_000), '1.000.000.000,00 €'); // carry through every group
    assert.equal(formatMoney(9_007_199_254_740_993n), '9.007.199.254,74 €'); // exact beyond the float range
    assert.throws(() => formatMoney(0.5));
  });

  it('uses English separators in English and the currency symbol or code', () => {
    assert.equal(formatMoney(1_333_320_000, 'en'), '1,333.32 €');
    assert.equal(formatMoney(10 * EUR, 'en', 'USD'), '10.00 $');
    assert.equal(formatMoney(10 * EUR, 'de', 'CHF'), '10,00 CHF');
  });
});

describe('rates and machine decimals: full precision', () => {
  it('shows every decimal of a rate, at least two', () => {
    assert.equal(formatRate(12_500), '0,0125 €');
    assert.equal(formatRate(10_000), '0,01 €');
    assert.equal(formatRate(1), '0,000001 €');
    assert.equal(formatRate(3 * EUR, 'en'), '3.00 €');
    assert.equal(formatRate(-447_222), '-0,447222 €');
  });

  it('writes all six decimals for CSV and the API, comma for German spreadsheets', () => {
    assert.equal(formatDecimal(1_234_567_890), '1234.567890');
    assert.equal(formatDecimal(5), '0.000005');
    assert.equal(formatDecimal(-5), '-0.000005');
    assert.equal(formatDecimal(2 * EUR, ','), '2,000000');
  });
});

describe('durations: one format everywhere', () => {
  it('hours and minutes from one hour on, minutes and seconds below', () => {
    assert.equal(formatDuration(90185), '25 h 03 min');
    assert.equal(formatDuration(3600), '1 h 00 min');
    assert.equal(formatDuration(18_900), '5 h 15 min');
    assert.equal(formatDuration(315), '5 min 15 s');
    assert.equal(formatDuration(600), '10 min');
    assert.equal(formatDuration(59), '59 s');
    assert.equal(formatDuration(0), '0 min');
    assert.equal(formatDuration(null), '0 min');
    assert.equal(formatDuration(-2400), '-40 min');
    assert.equal(formatDuration(-3661), '-1 h 01 min');
  });

  it('never uses the original "std : min : sek" form', () => {
    for (const seconds of [0, 5, 61, 3599, 3600, 86_400 * 3 + 7]) assert.doesNotMatch(formatDuration(seconds), /std|sek|:/);
  });
});

describe('local date-time formatting', () => {
  it('shows UTC instants in the customer zone', () => {
    assert.equal(formatDateTime('2024-12-31T23:30:00.000Z', 'Europe/Berlin'), '01.01.2025, 00:30');
    assert.equal(formatDateTime('2025-07-01T10:00:00.000Z', 'Europe/Berlin'), '01.07.2025, 12:00');
    assert.equal(formatDateTime('2025-07-01T10:00:00.000Z', 'UTC', 'en'), '01/07/2025, 10:00');
    assert.equal(formatDate('2024-12-31T23:30:00.000Z', 'Europe/Berlin'), '01.01.2025');
  });

  it('writes wall-clock time for German spreadsheets', () => {
    assert.equal(formatSpreadsheetDateTime('2024-12-31T23:30:05.000Z', 'Europe/Berlin'), '01.01.2025 00:30:05');
    assert.equal(formatSpreadsheetDateTime('2025-07-01T10:00:00.000Z', 'Europe/Berlin'), '01.07.2025 12:00:00');
    assert.equal(formatSpreadsheetDateTime('2025-07-01T10:00:00.000Z', 'UTC'), '01.07.2025 10:00:00');
  });
});
