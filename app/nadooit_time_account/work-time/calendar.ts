import { calendarDate, localParts, startOfLocalDay } from '../../core/time/periods.js';

/**
 * Worked-time arithmetic on exact instants. Entries are stored as UTC instants, so a duration is always
 * `end − start` — also across midnight and when the clocks change (a night shift 22:00–06:00 on the last
 * Sunday of October is 9 h in Berlin, on the last Sunday of March 7 h). Days are the local calendar days of
 * the customer's time zone: an entry is split at local midnight and each part counts on its own day.
 */

export type PeriodUnit = 'day' | 'week' | 'month';
export const PERIOD_UNITS: readonly PeriodUnit[] = ['day', 'week', 'month'];

export interface LocalDay {
  /** 'YYYY-MM-DD' in the zone. */
  date: string;
  /** First instant of the day and of the next day, UTC ms (23, 24 or 25 hours apart). */
  start: number;
  end: number;
}

export interface Interval {
  start: number;
  end: number;
}

function parseDate(date: string): { year: number; month: number; day: number } {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return { year, month, day };
}

export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const { year, month, day } = parseDate(value);
  return calendarDate(year, month, day) === value;
}

/** The local calendar date of an instant. */
export function localDate(instantMs: number, timeZone: string): string {
  const p = localParts(instantMs, timeZone);
  return calendarDate(p.year, p.month, p.day);
}

/** 'HH:MM' local wall-clock time of an instant. */
export function localTime(instantMs: number, timeZone: string): string {
  const p = localParts(instantMs, timeZone);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

/** Monday = 0 … Sunday = 6 of a calendar date. */
export function weekdayOf(date: string): number {
  const { year, month, day } = parseDate(date);
  return (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
}

/** The local days of the period of `unit` that contains `date` (weeks run Monday to Sunday, as ISO 8601). */
export function periodDays(unit: PeriodUnit, date: string, timeZone: string): LocalDay[] {
  const { year, month, day } = parseDate(date);
  let first = day;
  let count = 1;
  if (unit === 'week') {
    first = day - weekdayOf(date);
    count = 7;
  } else if (unit === 'month') {
    first = 1;
    count = new Date(Date.UTC(year, month, 0)).getUTCDate();
  }
  return Array.from({ length: count }, (_, i) => ({
    date: calendarDate(year, month, first + i),
    start: startOfLocalDay(year, month, first + i, timeZone),
    end: startOfLocalDay(year, month, first + i + 1, timeZone),
  }));
}

/** The date of the period before or after the one containing `date` (for "previous"/"next" links). */
export function shiftPeriod(unit: PeriodUnit, date: string, steps: number): string {
  const { year, month, day } = parseDate(date);
  if (unit === 'day') return calendarDate(year, month, day + steps);
  if (unit === 'week') return calendarDate(year, month, day + 7 * steps);
  return calendarDate(year, month + steps, 1);
}

/** Seconds of `interval` that fall within [from, to). */
export function overlapSeconds(interval: Interval, from: number, to: number): number {
  const start = Math.max(interval.start, from);
  const end = Math.min(interval.end, to);
  return end > start ? Math.floor((end - start) / 1000) : 0;
}

/**
 * The target of a day: the weekly hours spread over Monday to Friday (public holidays are not known to the
 * system and count as working days). Whole seconds; the remainder of an uneven week goes to Friday.
 */
export function dailyTargetSeconds(weeklySeconds: number | null, date: string): number {
  if (!weeklySeconds) return 0;
  const weekday = weekdayOf(date);
  if (weekday > 4) return 0;
  const base = Math.floor(weeklySeconds / 5);
  return weekday === 4 ? weeklySeconds - 4 * base : base;
}

export interface DayTotal {
  date: string;
  workedSeconds: number;
  targetSeconds: number;
}

/** Worked and target seconds per local day of the period. */
export function dayTotals(days: readonly LocalDay[], intervals: readonly Interval[], weeklySeconds: number | null): DayTotal[] {
  return days.map((d) => ({
    date: d.date,
    workedSeconds: intervals.reduce((sum, interval) => sum + overlapSeconds(interval, d.start, d.end), 0),
    targetSeconds: dailyTargetSeconds(weeklySeconds, d.date),
  }));
}

/**
 * The instant of a local wall-clock time 'YYYY-MM-DDTHH:MM' in a zone (form input), or null when malformed.
 * Two rounds of "how far off is the guess" settle every offset; a time skipped by the spring change lands
 * an hour later, an ambiguous autumn time on its first occurrence.
 */
export function localToInstant(value: string, timeZone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match || !isCalendarDate(`${match[1]}-${match[2]}-${match[3]}`)) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  if (hour > 23 || minute > 59) return null;
  const wanted = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wanted - 3 * 3_600_000;
  for (let round = 0; round < 3; round++) {
    const p = localParts(guess, timeZone);
    guess += wanted - Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  }
  return guess;
}

/** 'YYYY-MM-DDTHH:MM' of an instant in a zone (to fill a form). */
export function instantToLocal(instantMs: number, timeZone: string): string {
  return `${localDate(instantMs, timeZone)}T${localTime(instantMs, timeZone)}`;
}

/** Signed "7:30 h" for a number of seconds (worked time, overtime). */
export function formatHours(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const minutes = Math.floor(Math.abs(seconds) / 60);
  return `${sign}${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')} h`;
}
