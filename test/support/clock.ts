import { after, before } from 'node:test';
import { setClock } from '../../app/core/time/clock.js';

/**
 * A Wednesday noon in Berlin, far from any day, month or year boundary: the "now" that tests of calendar
 * periods ("today", "this month", "this year") use instead of the wall clock.
 */
export const FIXED_NOW = new Date('2025-06-18T10:00:00.000Z');

/**
 * Fixes the clock of the calendar periods (app/core/time/clock.ts) for the current suite — or for the whole
 * file when called at its top level — and restores the system clock afterwards. Book test data relative to
 * the returned instant; the app's "today", "this month" and "this year" then hold whenever the test runs.
 */
export function useFixedClock(at: Date = FIXED_NOW): Date {
  before(() => setClock(at));
  after(() => setClock(null));
  return at;
}

/** `seconds` before `at`. */
export function secondsBefore(at: Date, seconds: number): Date {
  return new Date(at.getTime() - seconds * 1000);
}
