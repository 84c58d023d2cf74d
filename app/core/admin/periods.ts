/** Date filters of the admin lists, computed in the configured time zone (not the server's). */
export const PERIODS = ['today', '7d', 'month', 'year'] as const;
export type Period = (typeof PERIODS)[number];

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneParts(instant: Date, timeZone: string): { y: number; m: number; d: number; h: number; min: number; s: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { y: get('year'), m: get('month'), d: get('day'), h: get('hour'), min: get('minute'), s: get('second') };
}

/** Milliseconds the zone is ahead of UTC at that instant. */
function offsetAt(instant: Date, timeZone: string): number {
  const p = zoneParts(instant, timeZone);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s) - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The UTC instant of local midnight on the given local calendar day. */
function localMidnight(y: number, m: number, d: number, timeZone: string): Date {
  const guess = Date.UTC(y, m - 1, d);
  const first = guess - offsetAt(new Date(guess), timeZone);
  return new Date(guess - offsetAt(new Date(first), timeZone));
}

/** The ISO instant where the period starts (inclusive), e.g. "this month" in Europe/Berlin. */
export function periodStart(period: Period, timeZone: string, now: Date = new Date()): string {
  const { y, m, d } = zoneParts(now, timeZone);
  switch (period) {
    case 'today':
      return localMidnight(y, m, d, timeZone).toISOString();
    case '7d': {
      const day = new Date(Date.UTC(y, m - 1, d - 6));
      return localMidnight(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), timeZone).toISOString();
    }
    case 'month':
      return localMidnight(y, m, 1, timeZone).toISOString();
    case 'year':
      return localMidnight(y, 1, 1, timeZone).toISOString();
  }
}

/** The local calendar day where the period starts, for DATE columns. */
export function periodStartDate(period: Period, timeZone: string, now: Date = new Date()): string {
  const { y, m, d } = zoneParts(now, timeZone);
  const day =
    period === 'today' ? new Date(Date.UTC(y, m - 1, d))
    : period === '7d' ? new Date(Date.UTC(y, m - 1, d - 6))
    : period === 'month' ? new Date(Date.UTC(y, m - 1, 1))
    : new Date(Date.UTC(y, 0, 1));
  return day.toISOString().slice(0, 10);
}
