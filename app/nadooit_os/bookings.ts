import type { Tx } from '../core/db/transaction.js';
import type { Customer } from '../nadooit_crm/services.js';
import { cancels } from '../nadooit_api_executions_system/payment-status.js';
import { listExecutions, sumExecutions } from '../nadooit_api_executions_system/services/queries.js';
import type { ExecutionFilter, ExecutionListItem, ExecutionSums } from '../nadooit_api_executions_system/services/queries.js';
import { customerProgramsOf } from '../nadooit_program_ownership_system/services.js';
import { DEFAULT_QUERY } from './booking-query.js';
import type { BookingQuery } from './booking-query.js';
import type { ChartPoint } from './chart.js';
import { periodNow } from '../core/time/clock.js';
import { bucketsFor, dayBucketsSpanning, effectiveTimeZone, periodFor, rangePeriod } from './periods.js';
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
  query: BookingQuery;
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

async function chartFromSums(db: Tx, scope: ExecutionFilter, buckets: Bucket[], now: Date, query: BookingQuery): Promise<ChartPoint[]> {
  const current = now.toISOString();
  const sums = await Promise.all(buckets.map((b) => (b.from > current ? null : sumExecutions(db, { ...scope, from: b.from, to: b.to }))));
  return buckets.map((b, i) => {
    const bucket = sums[i];
    if (!bucket) return { local: b.local, seconds: 0, priceMicro: 0, future: true };
    const totals = totalsFor(bucket, query);
    return { local: b.local, seconds: totals.seconds, priceMicro: mainCurrency(totals.price) };
  });
}

function chartFromRows(rows: readonly ExecutionListItem[], buckets: Bucket[]): ChartPoint[] {
  return buckets.map((b) => {
    const totals = totalsOfRows(rows.filter((r) => r.created_at >= b.from && r.created_at < b.to));
    return { local: b.local, seconds: totals.seconds, priceMicro: mainCurrency(totals.price) };
  });
}

/** The period a query covers: its free range, else its shortcut, in the customer's zone. */
export function periodOf(query: BookingQuery, timeZone: string, now: Date = periodNow()): Period {
  return query.from && query.to ? rangePeriod(query.from, query.to, timeZone) : periodFor(query.filter, timeZone, now);
}

/**
 * The executions filter of a query for one customer: its period, program, status and id. The program is
 * given as the customer's own programs of that program, so the (customer_program_id, created_at) index
 * serves it; a program the customer does not hold filters on the program itself (and finds nothing).
 */
async function scopeOf(db: Tx, customerId: string, query: BookingQuery, period: Period): Promise<ExecutionFilter> {
  const scope: ExecutionFilter = { customerIds: [customerId], from: period.from ?? undefined, to: period.to ?? undefined };
  if (query.programId) {
    const own = (await customerProgramsOf(db, customerId)).filter((cp) => cp.program_id === query.programId).map((cp) => cp.id);
    if (own.length) scope.customerProgramIds = own;
    else scope.programIds = [query.programId];
  }
  if (query.status) scope.statuses = [query.status];
  if (query.q) scope.idPrefix = query.q;
  return scope;
}

/** Sums for the sums row: a status filter counts what it shows (even cancelled); otherwise cancelled bookings do not count. */
function totalsFor(sums: ExecutionSums, query: BookingQuery): Totals {
  if (!query.status) return totalsOf(sums);
  const chosen = sums.byStatus[query.status];
  return { seconds: chosen.timeSavedSeconds, price: chosen.price };
}

export async function bookingBlock(
  db: Tx,
  customer: Pick<Customer, 'id' | 'name' | 'time_zone'>,
  query: BookingQuery | Filter,
  options: { now?: Date; cursor?: string | null } = {},
): Promise<BookingBlock> {
  const q: BookingQuery = typeof query === 'string' ? { ...DEFAULT_QUERY, filter: query } : query;
  const timeZone = effectiveTimeZone(customer.time_zone);
  const now = options.now ?? periodNow(); // one instant for the period and the chart
  const period = periodOf(q, timeZone, now);
  const scope = await scopeOf(db, customer.id, q, period);
  const base = { customer: { id: customer.id, name: customer.name, timeZone }, filter: q.filter, query: q, period };
  if (period.limit !== null) {
    const { items } = await listExecutions(db, scope, { limit: period.limit });
    const buckets = dayBucketsSpanning(items.map((r) => r.created_at), timeZone);
    return { ...base, rows: items, nextCursor: null, totals: totalsOfRows(items), count: items.length, chart: { unit: 'day', points: chartFromRows(items, buckets) } };
  }
  const { unit, buckets } = bucketsFor(period, timeZone);
  const [page, sums, points] = await Promise.all([
    listExecutions(db, scope, { limit: PAGE_SIZE, cursor: options.cursor }),
    sumExecutions(db, scope),
    chartFromSums(db, scope, buckets, now, q),
  ]);
  return { ...base, rows: page.items, nextCursor: page.nextCursor, totals: totalsFor(sums, q), count: sums.count, chart: { unit, points } };
}

/** More rows of a calendar period (the "load more" button), without sums or chart. */
export async function moreBookingRows(
  db: Tx,
  customer: Pick<Customer, 'id' | 'time_zone'>,
  query: BookingQuery,
  cursor: string,
  now?: Date,
): Promise<{ rows: ExecutionListItem[]; nextCursor: string | null }> {
  const period = periodOf(query, effectiveTimeZone(customer.time_zone), now);
  const scope = await scopeOf(db, customer.id, query, period);
  if (period.limit !== null) return { rows: [], nextCursor: null };
  const page = await listExecutions(db, scope, { limit: PAGE_SIZE, cursor });
  return { rows: page.items, nextCursor: page.nextCursor };
}

/** The executions filter the CSV export of a query covers; "last 20" = from the 20th newest matching booking on. */
export async function exportScope(db: Tx, customer: Pick<Customer, 'id' | 'time_zone'>, query: BookingQuery): Promise<ExecutionFilter> {
  const period = periodOf(query, effectiveTimeZone(customer.time_zone));
  const scope = await scopeOf(db, customer.id, query, period);
  if (period.limit === null) return scope;
  const { items } = await listExecutions(db, scope, { limit: period.limit });
  return items.length < period.limit ? scope : { ...scope, from: items[items.length - 1]!.created_at };
}
