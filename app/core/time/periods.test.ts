import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calendarDate, isValidTimeZone, localParts, startOfLocalDay } from './periods.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('calendar arithmetic in a time zone', () => {
  it('reads the local date and time, already the new year in Berlin while UTC is still in December', () => {
    assert.deepEqual(localParts(Date.parse('2024-12-31T23:30:00.000Z'), 'Europe/Berlin'), { year: 2025, month: 1, day: 1, hour: 0, minute: 30 });
    assert.deepEqual(localParts(Date.parse('2024-12-31T23:30:00.000Z'), 'UTC'), { year: 2024, month: 12, day: 31, hour: 23, minute: 30 });
  });

  it('finds local midnight across New Year, with month and day overflowing like Date.UTC', () => {
    assert.equal(iso(startOfLocalDay(2025, 1, 1, 'Europe/Berlin')), '2024-12-31T23:00:00.000Z');
    assert.equal(iso(startOfLocalDay(2024, 13, 1, 'Europe/Berlin')), '2024-12-31T23:00:00.000Z', 'month 13 is January');
    assert.equal(iso(startOfLocalDay(2025, 1, 0, 'Europe/Berlin')), '2024-12-30T23:00:00.000Z', 'day 0 is the last day of December');
    assert.equal(iso(startOfLocalDay(2025, 0, 1, 'Europe/Berlin')), '2024-11-30T23:00:00.000Z', 'month 0 is December');
  });

  it('starts the daylight-saving days at their local midnight (Europe/Berlin)', () => {
    assert.equal(iso(startOfLocalDay(2025, 3, 30, 'Europe/Berlin')), '2025-03-29T23:00:00.000Z');
    assert.equal(iso(startOfLocalDay(2025, 3, 31, 'Europe/Berlin')), '2025-03-30T22:00:00.000Z');
    assert.equal(iso(startOfLocalDay(2025, 10, 26, 'Europe/Berlin')), '2025-10-25T22:00:00.000Z');
    assert.equal(iso(startOfLocalDay(2025, 10, 27, 'Europe/Berlin')), '2025-10-26T23:00:00.000Z');
  });

  it('handles a day whose midnight does not exist (America/Santiago, America/Asuncion)', () => {
    // Chile moved clocks from 00:00 to 01:00 on 8 September 2024: the day starts at 01:00 local.
    assert.equal(iso(startOfLocalDay(2024, 9, 8, 'America/Santiago')), '2024-09-08T04:00:00.000Z');
    assert.equal(iso(startOfLocalDay(2024, 9, 9, 'America/Santiago')), '2024-09-09T03:00:00.000Z');
    // Paraguay did the same on 1 October 2023: October starts at 01:00 local.
    assert.equal(iso(startOfLocalDay(2023, 10, 1, 'America/Asuncion')), '2023-10-01T04:00:00.000Z');
  });

  it('handles the extreme offsets and UTC', () => {
    assert.equal(iso(startOfLocalDay(2025, 1, 1, 'Pacific/Kiritimati')), '2024-12-31T10:00:00.000Z');
    assert.equal(iso(startOfLocalDay(2025, 1, 1, 'Pacific/Pago_Pago')), '2025-01-01T11:00:00.000Z');
    assert.equal(iso(startOfLocalDay(2025, 6, 1, 'UTC')), '2025-06-01T00:00:00.000Z');
  });

  it('writes calendar dates for DATE columns and recognises zones', () => {
    assert.equal(calendarDate(2025, 3, -5), '2025-02-23');
    assert.equal(calendarDate(2025, 13, 1), '2026-01-01');
    assert.equal(isValidTimeZone('Asia/Tokyo'), true);
    assert.equal(isValidTimeZone('Mars/Olympus_Mons'), false);
  });
});
