/**
 * Calendar arithmetic in an IANA time zone with Intl only (no tz database of our own). Every boundary is
 * the first instant of a local calendar day, so days, months and years are right across New Year and
 * daylight-saving changes, also where midnight itself is skipped (the day then starts at 01:00).
 */

export interface LocalParts {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
}

const partFormats = new Map<string, Intl.DateTimeFormat>();

function partFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    partFormats.set(timeZone, format);
  }
  return format;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    partFormat(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock date and time of an instant (UTC ms) in a zone. */
export function localParts(instantMs: number, timeZone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const part of partFormat(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  }
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour!, minute: out.minute! };
}

const dayKey = (y: number, m: number, d: number) => y * 10_000 + m * 100 + d;
const MINUTE = 60_000;

/**
 * The first instant (UTC ms) of local calendar day y-m-d; month/day may overflow (month 13 = January of
 * the next year, day 0 = last day of the previous month), like Date.UTC. Local midnight lies within
 * [UTC midnight − 14 h, UTC midnight + 12 h] for every zone, so a binary search over minutes in that window
 * finds the first minute whose local date is the wanted one — also when midnight does not exist.
 */
export function startOfLocalDay(year: number, month: number, day: number, timeZone: string): number {
  const normal = new Date(Date.UTC(year, month - 1, day));
  const target = dayKey(normal.getUTCFullYear(), normal.getUTCMonth() + 1, normal.getUTCDate());
  let low = normal.getTime() / MINUTE - 15 * 60; // local date certainly before the target
  let high = normal.getTime() / MINUTE + 13 * 60; // local date certainly on or after it
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const p = localParts(middle * MINUTE, timeZone);
    if (dayKey(p.year, p.month, p.day) >= target) high = middle;
    else low = middle;
  }
  return high * MINUTE;
}

/** The calendar date y-m-d (overflowing like Date.UTC) as 'YYYY-MM-DD', for DATE columns. */
export function calendarDate(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}
