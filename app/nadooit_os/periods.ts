/**
 * Calendar periods of the bookings page in the customer's time zone. The calendar arithmetic (Intl only,
 * right at New Year, DST and skipped midnights) is core's `app/core/time/periods.ts`.
 */
import { periodNow } from '../core/time/clock.js';
import { calendarDate, isValidTimeZone, localParts, startOfLocalDay } from '../core/time/periods.js';
import type { LocalParts } from '../core/time/periods.js';

export type { LocalParts };

export const FILTERS = ['today', 'thismonth', 'lastmonth', 'thisyear', 'last20'] as const;
export type Filter = (typeof FILTERS)[number];
export const DEFAULT_TIME_ZONE = 'Europe/Berlin';

export function isFilter(value: string): value is Filter {
  return (FILTERS as readonly string[]).includes(value);
}

/** A customer's zone, or the default when it is missing or unknown to this runtime. */
export function effectiveTimeZone(timeZone: string | null | undefined): string {
  return timeZone && isValidTimeZone(timeZone) ? timeZone : DEFAULT_TIME_ZONE;
}

export interface Period {
  /** A shortcut, or 'range' for a free from–to range of local dates. */
  filter: Filter | 'range';
  /** Inclusive start, exclusive end, ISO-8601 UTC; null for last20 (no calendar bounds). */
  from: string | null;
  to: string | null;
  /** last20 only. */
  limit: number | null;
}

export function periodFor(filter: Filter, timeZone: string, now: Date = periodNow()): Period {
  const zone = effectiveTimeZone(timeZone);
  const { year, month, day } = localParts(now.getTime(), zone);
  const range = (from: number, to: number): Period => ({
    filter,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    limit: null,
  });
  switch (filter) {
    case 'today':
      return range(startOfLocalDay(year, month, day, zone), startOfLocalDay(year, month, day + 1, zone));
    case 'thismonth':
      return range(startOfLocalDay(year, month, 1, zone), startOfLocalDay(year, month + 1, 1, zone));
    case 'lastmonth':
      return range(startOfLocalDay(year, month - 1, 1, zone), startOfLocalDay(year, month, 1, zone));
    case 'thisyear':
      return range(startOfLocalDay(year, 1, 1, zone), startOfLocalDay(year + 1, 1, 1, zone));
    case 'last20':
      return { filter, from: null, to: null, limit: 20 };
  }
}

export type BucketUnit = 'hour' | 'day' | 'month';

/** The longest free range (local days, both ends included): a chart of at most 60 months. */
export const MAX_RANGE_DAYS = 1830;

const parseDate = (date: string) => date.split('-').map(Number) as [number, number, number];

/** Local dates from–to (YYYY-MM-DD, both included) as a period of instants in the zone. */
export function rangePeriod(fromDate: string, toDate: string, timeZone: string): Period {
  const zone = effectiveTimeZone(timeZone);
  const [fy, fm, fd] = parseDate(fromDate);
  const [ty, tm, td] = parseDate(toDate);
  return {
    filter: 'range',
    from: new Date(startOfLocalDay(fy, fm, fd, zone)).toISOString(),
    to: new Date(startOfLocalDay(ty, tm, td + 1, zone)).toISOString(),
    limit: null,
  };
}

/** Days from one local date to another, both included (1 for the same day). */
export function daysInRange(fromDate: string, toDate: string): number {
  const [fy, fm, fd] = parseDate(fromDate);
  const [ty, tm, td] = parseDate(toDate);
  return Math.round((Date.UTC(ty, tm - 1, td) - Date.UTC(fy, fm - 1, fd)) / 86_400_000) + 1;
}

/** The local dates (YYYY-MM-DD, both included) a calendar period covers, for the date inputs. */
export function localDatesOf(period: Period, timeZone: string): { from: string; to: string } | null {
  if (!period.from || !period.to) return null;
  const zone = effectiveTimeZone(timeZone);
  const first = localParts(Date.parse(period.from), zone);
  const last = localParts(Date.parse(period.to) - 1, zone);
  return { from: calendarDate(first.year, first.month, first.day), to: calendarDate(last.year, last.month, last.day) };
}

export interface Bucket {
  /** Inclusive start / exclusive end, ISO-8601 UTC. */
  from: string;
  to: string;
  /** Local start of the bucket, for labels. */
  local: LocalParts;
}

/**
 * Chart buckets covering a period, by its length: hours for one day, days up to 62 days, else months (the
 * first and last cut at the period's ends). Hours step in real time from local midnight, so a DST day has 23
 * or 25 of them.
 */
export function bucketsFor(period: Period, timeZone: string): { unit: BucketUnit; buckets: Bucket[] } {
  const zone = effectiveTimeZone(timeZone);
  if (!period.from || !period.to) return { unit: 'day', buckets: [] };
  const start = Date.parse(period.from);
  const end = Date.parse(period.to);
  const make = (edges: number[]): Bucket[] =>
    edges.slice(0, -1).map((from, i) => ({
      from: new Date(from).toISOString(),
      to: new Date(edges[i + 1]!).toISOString(),
      local: localParts(from, zone),
    }));
  const dates = localDatesOf(period, zone)!;
  const days = daysInRange(dates.from, dates.to);
  if (days <= 1) {
    const edges: number[] = [];
    for (let t = start; t < end; t += 3_600_000) edges.push(t);
    return { unit: 'hour', buckets: make([...edges, end]) };
  }
  const first = localParts(start, zone);
  const edges: number[] = [start];
  if (days > 62) {
    for (let m = first.month + 1; ; m++) {
      const edge = startOfLocalDay(first.year, m, 1, zone);
      if (edge >= end) break;
      edges.push(edge);
    }
    return { unit: 'month', buckets: make([...edges, end]) };
  }
  for (let d = first.day + 1; ; d++) {
    const edge = startOfLocalDay(first.year, first.month, d, zone);
    if (edge >= end) break;
    edges.push(edge);
  }
  return { unit: 'day', buckets: make([...edges, end]) };
}

/** Day buckets spanning a set of instants (for "last 20", whose range comes from the rows themselves). */
export function dayBucketsSpanning(instants: string[], timeZone: string): Bucket[] {
  if (instants.length === 0) return [];
  const zone = effectiveTimeZone(timeZone);
  const times = instants.map((i) => Date.parse(i));
  const first = localParts(Math.min(...times), zone);
  const last = Math.max(...times);
  const buckets: Bucket[] = [];
  for (let d = first.day; buckets.length < 400; d++) {
    const from = startOfLocalDay(first.year, first.month, d, zone);
    if (from > last) break;
    const to = startOfLocalDay(first.year, first.month, d + 1, zone);
    buckets.push({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), local: localParts(from, zone) });
  }
  return buckets;
}
