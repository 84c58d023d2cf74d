import type { Tx } from '../core/db/transaction.js';
import { periodNow } from '../core/time/clock.js';
import type { Customer } from '../nadooit_crm/services.js';
import { sumExecutions } from '../nadooit_api_executions_system/services/queries.js';
import { totalsOf } from './bookings.js';
import { effectiveTimeZone, periodFor } from './periods.js';

/**
 * Bookings of a span as the bookings page sums them: how many (all), seconds saved and price per currency
 * (cancelled bookings do not count in these).
 */
export interface MonthFigures {
  count: number;
  seconds: number;
  price: Record<string, number>;
  /** Still to be paid (NOT_PAID), per currency. */
  open: Record<string, number>;
}

/**
 * This month so far against last month, in the customer's time zone: last month whole, and last month up to
 * the same point (as far into it as this month is now, at most its end) — the fair base for a change.
 */
export interface MonthComparison {
  thisMonth: MonthFigures;
  lastMonth: MonthFigures;
  lastMonthSoFar: MonthFigures;
  /** Local day of month "now" (the comparison runs from the 1st to this day). */
  day: number;
}

async function figures(db: Tx, customerId: string, from: string, to: string): Promise<MonthFigures> {
  const sums = await sumExecutions(db, { customerIds: [customerId], from, to });
  const totals = totalsOf(sums);
  return { count: sums.count, seconds: totals.seconds, price: totals.price, open: sums.openPrice };
}

export async function monthComparison(db: Tx, customer: Pick<Customer, 'id' | 'time_zone'>, now: Date = periodNow()): Promise<MonthComparison> {
  const zone = effectiveTimeZone(customer.time_zone);
  const current = periodFor('thismonth', zone, now);
  const last = periodFor('lastmonth', zone, now);
  const elapsed = now.getTime() - Date.parse(current.from!);
  const soFarEnd = new Date(Math.min(Date.parse(last.from!) + elapsed, Date.parse(last.to!))).toISOString();
  const [thisMonth, lastMonth, lastMonthSoFar] = await Promise.all([
    figures(db, customer.id, current.from!, current.to!),
    figures(db, customer.id, last.from!, last.to!),
    figures(db, customer.id, last.from!, soFarEnd),
  ]);
  const day = Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: 'numeric' }).format(now));
  return { thisMonth, lastMonth, lastMonthSoFar, day };
}

/** The change from `before` to `now` in whole percent, or null when there was nothing before. */
export function changePercent(now: number, before: number): number | null {
  if (before === 0) return null;
  return Math.round(((now - before) / before) * 100);
}
