import type { Tx } from '../core/db/transaction.js';
import type { Customer } from '../nadooit_crm/services.js';
import { cancels } from '../nadooit_api_executions_system/payment-status.js';
import { listExecutions, sumExecutions } from '../nadooit_api_executions_system/services/queries.js';
import type { ExecutionListItem, ExecutionSums } from '../nadooit_api_executions_system/services/queries.js';
import type { ChartPoint } from './chart.js';
import { periodNow } from '../core/time/clock.js';
import { bucketsFor, dayBucketsSpanning, effectiveTimeZone, periodFor } from './periods.js';
import type { Bucket, BucketUnit, Filter, Period } from './periods.js';

/**
 * The bookings block of one customer for one filter, assembled from the executions app's list and sum
 * services (no SQL here). The caller has already checked the execution-manager role for the customer.
 */

export const PAGE_SIZE = 50;

export interface Totals {
  /** Seconds of bookings that still count (not cancelled). */
  seconds: number;
  /** Micro-units per currency of bookings that still count. */
  price: Record<string, number>;
}

export interface BookingBlock {
  customer: Pick<Customer, 'id' | 'name'> & { timeZone: string };
  filter: Filter;
  period: Period;
  rows: ExecutionListItem[];
  nextCursor: string | null;
  totals: Totals;
  count: number;
  chart: { unit: BucketUnit; points: ChartPoint[] };
}

/** Totals as the sums row shows them: cancelled bookings (REVOKED/REFUNDED) no longer count. */
export function totalsOf(sums: ExecutionSums): Totals {
  const seconds = Object.entries(sums.byStatus)
    .filter(([status]) => !cancels(status as keyof ExecutionSums['byStatus']))
    .reduce((total, [, s]) => total + s.timeSavedSeconds, 0);
  return { seconds, price: sums.price };
}

function totalsOfRows(rows: readonly ExecutionListItem[]): Totals {
  const totals: Totals = { seconds: 0, price: {} };
  for (const row of rows) {
    if (cancels(row.payment_status)) continue;
    totals.seconds += row.time_saved_seconds;
    totals.price[row.currency] = (totals.price[row.currency] ?? 0) + row.price;
  }
  return totals;
}

const mainCurrency = (price: Record<string, number>) => price.EUR ?? Object.values(price)[0] ?? 0;

async function chartFromSums(db: Tx, customerId: string, buckets: Bucket[], now: Date): Promise<ChartPoint[]> {
  const current = now.toISOString();
  const sums = await Promise.all(buckets.map((b) => (b.from > current ? null : sumExecutions(db, { customerIds: [customerId], from: b.from, to: b.to }))));
  return buckets.map((b, i) => {
    const bucket = sums[i];
    if (!bucket) return { local: b.local, seconds: 0, priceMicro: 0, future: true };
    const totals = totalsOf(bucket);
    return { local: b.local, seconds: totals.seconds, priceMicro: mainCurrency(totals.price) };
  });
}

function chartFromRows(rows: readonly ExecutionListItem[], buckets: Bucket[]): ChartPoint[] {
  return buckets.map((b) => {
    const totals = totalsOfRows(rows.filter((r) => r.created_at >= b.from && r.created_at < b.to));
    return { local: b.local, seconds: totals.seconds, priceMicro: mainCurrency(totals.price) };
  });
}

export async function bookingBlock(
  db: Tx,
  customer: Pick<Customer, 'id' | 'name' | 'time_zone'>,
  filter: Filter,
  options: { now?: Date; cursor?: string | null } = {},
): Promise<BookingBlock> {
  const timeZone = effectiveTimeZone(customer.time_zone);
  const now = options.now ?? periodNow(); // one instant for the period and the chart
  const period = periodFor(filter, timeZone, now);
  const scope = { customerIds: [customer.id], from: period.from ?? undefined, to: period.to ?? undefined };
  const base = { customer: { id: customer.id, name: customer.name, timeZone }, filter, period };
  if (period.limit !== null) {
    const { items } = await listExecutions(db, scope, { limit: period.limit });
    const buckets = dayBucketsSpanning(items.map((r) => r.created_at), timeZone);
    return { ...base, rows: items, nextCursor: null, totals: totalsOfRows(items), count: items.length, chart: { unit: 'day', points: chartFromRows(items, buckets) } };
  }
  const { unit, buckets } = bucketsFor(period, timeZone);
  const [page, sums, points] = await Promise.all([
    listExecutions(db, scope, { limit: PAGE_SIZE, cursor: options.cursor }),
    sumExecutions(db, scope),
    chartFromSums(db, customer.id, buckets, now),
  ]);
  return { ...base, rows: page.items, nextCursor: page.nextCursor, totals: totalsOf(sums), count: sums.count, chart: { unit, points } };
}

/** More rows of a calendar period (the "load more" button), without sums or chart. */
export async function moreBookingRows(
  db: Tx,
  customer: Pick<Customer, 'id' | 'time_zone'>,
  filter: Filter,
  cursor: string,
  now?: Date,
): Promise<{ rows: ExecutionListItem[]; nextCursor: string | null }> {
  const period = periodFor(filter, effectiveTimeZone(customer.time_zone), now);
  if (period.limit !== null) return { rows: [], nextCursor: null };
  const page = await listExecutions(db, { customerIds: [customer.id], from: period.from!, to: period.to! }, { limit: PAGE_SIZE, cursor });
  return { rows: page.items, nextCursor: page.nextCursor };
}

/** The [from, to) range the CSV export of a filter covers; "last 20" = from the 20th newest booking on. */
export async function exportRange(db: Tx, customer: Pick<Customer, 'id' | 'time_zone'>, filter: Filter): Promise<{ from?: string; to?: string }> {
  const period = periodFor(filter, effectiveTimeZone(customer.time_zone));
  if (period.limit === null) return { from: period.from!, to: period.to! };
  const { items } = await listExecutions(db, { customerIds: [customer.id] }, { limit: period.limit });
  return items.length < period.limit ? {} : { from: items[items.length - 1]!.created_at };
}
