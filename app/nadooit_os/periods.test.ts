import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bucketsFor, dayBucketsSpanning, effectiveTimeZone, periodFor } from './periods.js';

const BERLIN = 'Europe/Berlin';
const range = (p: { from: string | null; to: string | null }) => [p.from, p.to];

describe('period boundaries at New Year (Europe/Berlin)', () => {
  // 00:30 local on 1 January 2025 is still 31 December in UTC.
  const now = new Date('2024-12-31T23:30:00.000Z');

  it('today, this month and this year are the new year already', () => {
    assert.deepEqual(range(periodFor('today', BERLIN, now)), ['2024-12-31T23:00:00.000Z', '2025-01-01T23:00:00.000Z']);
    assert.deepEqual(range(periodFor('thismonth', BERLIN, now)), ['2024-12-31T23:00:00.000Z', '2025-01-31T23:00:00.000Z']);
    assert.deepEqual(range(periodFor('thisyear', BERLIN, now)), ['2024-12-31T23:00:00.000Z', '2025-12-31T23:00:00.000Z']);
  });

  it('last month in January is December of the previous year (D4 fixed)', () => {
    assert.deepEqual(range(periodFor('lastmonth', BERLIN, now)), ['2024-11-30T23:00:00.000Z', '2024-12-31T23:00:00.000Z']);
  });

  it('one minute before local midnight is still the old year', () => {
    const before = new Date('2024-12-31T22:59:00.000Z');
    assert.deepEqual(range(periodFor('thisyear', BERLIN, before)), ['2023-12-31T23:00:00.000Z', '2024-12-31T23:00:00.000Z']);
    assert.deepEqual(range(periodFor('lastmonth', BERLIN, before)), ['2024-10-31T23:00:00.000Z', '2024-11-30T23:00:00.000Z']);
  });

  it('last month is bounded by the year (the original matched the month of any year)', () => {
    const march = periodFor('lastmonth', BERLIN, new Date('2025-03-10T12:00:00.000Z'));
    assert.deepEqual(range(march), ['2025-01-31T23:00:00.000Z', '2025-02-28T23:00:00.000Z']);
  });
});

describe('period boundaries at daylight-saving changes (Europe/Berlin)', () => {
  it('the spring-forward day has 23 hours', () => {
    const p = periodFor('today', BERLIN, new Date('2025-03-30T12:00:00.000Z'));
    assert.deepEqual(range(p), ['2025-03-29T23:00:00.000Z', '2025-03-30T22:00:00.000Z']);
    const hours = bucketsFor(p, BERLIN).buckets.map((b) => b.local.hour);
    assert.equal(hours.length, 23);
    assert.deepEqual(hours.slice(0, 4), [0, 1, 3, 4]);
  });

  it('the fall-back day has 25 hours', () => {
    const p = periodFor('today', BERLIN, new Date('2025-10-26T12:00:00.000Z'));
    assert.deepEqual(range(p), ['2025-10-25T22:00:00.000Z', '2025-10-26T23:00:00.000Z']);
    const hours = bucketsFor(p, BERLIN).buckets.map((b) => b.local.hour);
    assert.equal(hours.length, 25);
    assert.deepEqual(hours.slice(0, 5), [0, 1, 2, 2, 3]);
  });

  it('March starts in winter time and ends in summer time; April as last month likewise', () => {
    const march = ['2025-02-28T23:00:00.000Z', '2025-03-31T22:00:00.000Z'];
    assert.deepEqual(range(periodFor('thismonth', BERLIN, new Date('2025-03-31T21:59:00.000Z'))), march);
    assert.deepEqual(range(periodFor('lastmonth', BERLIN, new Date('2025-03-31T22:00:00.000Z'))), march);
    assert.deepEqual(range(periodFor('lastmonth', BERLIN, new Date('2025-11-15T10:00:00.000Z'))), [
      '2025-09-30T22:00:00.000Z',
      '2025-10-31T23:00:00.000Z',
    ]);
  });

  it('a month has one day bucket per calendar day, each starting at local midnight', () => {
    const { unit, buckets } = bucketsFor(periodFor('thismonth', BERLIN, new Date('2025-03-15T12:00:00.000Z')), BERLIN);
    assert.equal(unit, 'day');
    assert.equal(buckets.length, 31);
    assert.ok(buckets.every((b, i) => b.local.day === i + 1 && b.local.hour === 0 && b.local.minute === 0));
    assert.equal(buckets[29]!.to, '2025-03-30T22:00:00.000Z');
    const year = bucketsFor(periodFor('thisyear', BERLIN, new Date('2025-03-15T12:00:00.000Z')), BERLIN);
    assert.equal(year.unit, 'month');
    assert.deepEqual(year.buckets.map((b) => b.local.month), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });
});

describe('period boundaries in other zones', () => {
  it('starts today at 01:00 on a day whose midnight does not exist (America/Santiago)', () => {
    // The day-level arithmetic is tested in app/core/time/periods.test.ts; here the period built on it.
    const p = periodFor('today', 'America/Santiago', new Date('2024-09-08T15:00:00.000Z'));
    assert.deepEqual(range(p), ['2024-09-08T04:00:00.000Z', '2024-09-09T03:00:00.000Z']);
    assert.equal(bucketsFor(p, 'America/Santiago').buckets.length, 23);
  });

  it('handles UTC', () => {
    assert.deepEqual(range(periodFor('thisyear', 'UTC', new Date('2025-06-01T00:00:00.000Z'))), [
      '2025-01-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
  });

  it('falls back to Europe/Berlin for a missing or unknown zone', () => {
    assert.equal(effectiveTimeZone(null), BERLIN);
    assert.equal(effectiveTimeZone('Mars/Olympus_Mons'), BERLIN);
    assert.equal(effectiveTimeZone('Asia/Tokyo'), 'Asia/Tokyo');
  });

  it('last 20 has no calendar bounds, and its chart spans the days of its rows', () => {
    assert.deepEqual(periodFor('last20', BERLIN), { filter: 'last20', from: null, to: null, limit: 20 });
    const buckets = dayBucketsSpanning(['2025-01-03T10:00:00.000Z', '2024-12-31T23:30:00.000Z'], BERLIN);
    assert.deepEqual(buckets.map((b) => `${b.local.month}-${b.local.day}`), ['1-1', '1-2', '1-3']);
  });
});
