import { z } from 'zod';
import { HttpError } from '../core/http/errors.js';
import { calendarDate, localParts, startOfLocalDay } from '../core/time/periods.js';
import { parse } from './protection.js';

/** The quick periods of the statistics page (the last n days up to now). */
export const STATISTICS_PERIODS = [7, 30, 90, 365] as const;
/** The longest free range: two years of daily points. */
export const MAX_RANGE_DAYS = 731;

export interface StatisticsPeriod {
  /** One of STATISTICS_PERIODS, or null for a free range. */
  days: number | null;
  from: Date;
  to: Date;
  /** The range's first and last local day, YYYY-MM-DD (for the form). */
  fromDay: string;
  toDay: string;
}

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a date');
const query = z
  .object({
    days: z.coerce.number().int().refine((n) => (STATISTICS_PERIODS as readonly number[]).includes(n)).optional(),
    from: isoDay.optional(),
    to: isoDay.optional(),
  })
  .refine((q) => (q.from === undefined) === (q.to === undefined), { message: 'from and to go together' })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });

const localDay = (instant: number, timeZone: string) => {
  const p = localParts(instant, timeZone);
  return calendarDate(p.year, p.month, p.day);
};

const dayStart = (day: string, offsetDays: number, timeZone: string) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return startOfLocalDay(y, m, d + offsetDays, timeZone);
};

/**
 * `?days=n` (the last n days up to now; default 30) or `?from=YYYY-MM-DD&to=YYYY-MM-DD` (whole local days in
 * the site's zone, both included — e.g. the history an import brought over). Bad input is a 400.
 */
export function statisticsPeriod(raw: unknown, timeZone: string, now: Date): StatisticsPeriod {
  const q = parse(query, raw, 'period');
  if (q.from && q.to) {
    const from = dayStart(q.from, 0, timeZone);
    const to = dayStart(q.to, 1, timeZone);
    if (to - from > MAX_RANGE_DAYS * 86_400_000) throw new HttpError(400, 'bad_request', 'Invalid period', [{ path: 'to', message: `at most ${MAX_RANGE_DAYS} days` }]);
    return { days: null, from: new Date(from), to: new Date(to), fromDay: q.from, toDay: q.to };
  }
  const days = q.days ?? 30;
  const from = now.getTime() - days * 86_400_000;
  return { days, from: new Date(from), to: now, fromDay: localDay(from, timeZone), toDay: localDay(now.getTime(), timeZone) };
}
