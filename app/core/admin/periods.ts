import { periodNow } from '../time/clock.js';
import { calendarDate, localParts, startOfLocalDay } from '../time/periods.js';

/** Date filters of the admin lists, computed in the configured time zone (not the server's). */
export const PERIODS = ['today', '7d', 'month', 'year'] as const;
export type Period = (typeof PERIODS)[number];

/** The local calendar day the period starts on, as [year, month, day] (day may be ≤ 0, like Date.UTC). */
function firstDay(period: Period, timeZone: string, now: Date): [number, number, number] {
  const { year, month, day } = localParts(now.getTime(), timeZone);
  switch (period) {
    case 'today':
      return [year, month, day];
    case '7d':
      return [year, month, day - 6];
    case 'month':
      return [year, month, 1];
    case 'year':
      return [year, 1, 1];
  }
}

/** The ISO instant where the period starts (inclusive), e.g. "this month" in Europe/Berlin. */
export function periodStart(period: Period, timeZone: string, now: Date = periodNow()): string {
  const [year, month, day] = firstDay(period, timeZone, now);
  return new Date(startOfLocalDay(year, month, day, timeZone)).toISOString();
}

/** The local calendar day where the period starts, for DATE columns. */
export function periodStartDate(period: Period, timeZone: string, now: Date = periodNow()): string {
  return calendarDate(...firstDay(period, timeZone, now));
}
