import { sql } from 'kysely';
import type { Tx } from '../../core/db/transaction.js';
import { readSnapshot } from '../../core/db/snapshot.js';
import { programNamesQuery } from '../../nadooit_program/services.js';
import { PAYMENT_STATUSES } from '../models.js';
import type { PaymentStatus } from '../models.js';
import type { Execution } from './booking.js';

/**
 * What to list or sum. `customerIds` is the scope the caller may see (from the permission service) and is
 * required: an empty list matches nothing. Periods are half-open [from, to) ISO-8601 UTC instants, so
 * calendar periods computed in the customer's time zone (dashboard) map onto them exactly.
 */
export interface ExecutionFilter {
  /** 'all' only for staff callers. */
  customerIds: readonly string[] | 'all';
  customerProgramIds?: readonly string[];
  programIds?: readonly string[];
  from?: string;
  to?: string;
  statuses?: readonly PaymentStatus[];
  /** A booking id or its beginning (hex digits, dashes optional): one range on the primary key; eight digits also match the short id pages show (its end for time-ordered ids). */
  idPrefix?: string;
}

/**
 * The [low, high] id range of all UUIDs starting with `prefix` (hex digits; dashes are ignored), or null
 * when it is not one. Ids are lowercase and compare alike as text (SQLite) and as uuid (PostgreSQL).
 */
export function uuidPrefixRange(prefix: string): { low: string; high: string } | null {
  const hex = prefix.toLowerCase().replace(/-/g, '');
  if (!/^[0-9a-f]{1,32}$/.test(hex)) return null;
  const dashed = (digits: string) => `${digits.slice(0, 8)}-${digits.slice(8, 12)}-${digits.slice(12, 16)}-${digits.slice(16, 20)}-${digits.slice(20)}`;
  return { low: dashed(hex.padEnd(32, '0')), high: dashed(hex.padEnd(32, 'f')) };
}

export interface ExecutionListItem extends Execution {
  program_name: string | null;
}

export interface ExecutionPage {
  items: ExecutionListItem[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface StatusTotals {
  count: number;
  timeSavedSeconds: number;
  /** Micro-units per currency. */
  price: Record<string, number>;
}

export interface ExecutionSums {
  count: number;
  timeSavedSeconds: number;
  coveredSeconds: number;
  billableSeconds: number;
  /** Micro-units per currency, over bookings that were not cancelled (NOT_PAID + PAID). */
  price: Record<string, number>;
  /** Micro-units per currency still to be paid (NOT_PAID). */
  openPrice: Record<string, number>;
  byStatus: Record<PaymentStatus, StatusTotals>;
}

export const MAX_PAGE_SIZE = 500;

export function encodeCursor(row: { created_at: string; id: string }): string {
  return Buffer.from(JSON.stringify([row.created_at, row.id]), 'utf8').toString('base64url');
}

/** The (created_at, id) position in a cursor, or null when it is not one of ours. */
export function decodeCursor(cursor: string): { createdAt: string; id: string } | null {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [createdAt, id] = value;
    if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) return null;
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) return null;
    return { createdAt: new Date(createdAt).toISOString(), id };
  } catch {
    return null;
  }
}

function filtered(db: Tx, filter: ExecutionFilter) {
  let query = db.selectFrom('ex_executions as x');
  // An empty scope must match nothing; `in ()` is not valid SQL, so filter on an impossible id instead.
  if (filter.customerIds !== 'all') {
    query = filter.customerIds.length
      ? query.where('x.customer_id', 'in', [...filter.customerIds])
      : query.where('x.customer_id', 'is', null).where('x.customer_id', 'is not', null);
  }
  if (filter.customerProgramIds?.length) query = query.where('x.customer_program_id', 'in', [...filter.customerProgramIds]);
  if (filter.programIds?.length) query = query.where('x.program_id', 'in', [...filter.programIds]);
  if (filter.from) query = query.where('x.created_at', '>=', filter.from);
  if (filter.to) query = query.where('x.created_at', '<', filter.to);
  if (filter.statuses?.length) query = query.where('x.payment_status', 'in', [...filter.statuses]);
  if (filter.idPrefix !== undefined) {
    const range = uuidPrefixRange(filter.idPrefix);
    if (!range) query = query.where('x.id', 'is', null);
    else if (/^[0-9a-f]{8}$/i.test(filter.idPrefix)) {
      // Eight hex digits may also be the short id pages show for a time-ordered id: its end (core/ids.ts shortId).
      const suffix = `%${filter.idPrefix.toLowerCase()}`;
      query = query.where((eb) => eb.or([eb.and([eb('x.id', '>=', range.low), eb('x.id', '<=', range.high)]), eb(sql<string>`cast(x.id as text)`, 'like', suffix)]));
    } else query = query.where('x.id', '>=', range.low).where('x.id', '<=', range.high);
  }
  return query;
}

/**
 * The query of one list page: newest first, keyset-paginated on (created_at, id), so every page costs the
 * same at any table size — for one customer a range of `ex_executions_customer_idx` read in order, no sort.
 */
export function listPageQuery(db: Tx, filter: ExecutionFilter, limit: number, cursor?: string | null) {
  let query = filtered(db, filter)
    .leftJoin('program_programs as p', 'p.id', 'x.program_id')
    .selectAll('x')
    .select('p.name as program_name');
  const after = cursor ? decodeCursor(cursor) : null;
  if (after) {
    // A row-value comparison is one range on the (customer_id, created_at, id, …) index on both databases.
    query = query.where((eb) => eb(eb.refTuple('x.created_at', 'x.id'), '<', eb.tuple(after.createdAt, after.id)));
  }
  return query.orderBy('x.created_at', 'desc').orderBy('x.id', 'desc').limit(limit + 1);
}

export async function listExecutions(
  db: Tx,
  filter: ExecutionFilter,
  page: { limit?: number; cursor?: string | null } = {},
): Promise<ExecutionPage> {
  const limit = Math.max(1, Math.min(page.limit ?? 50, MAX_PAGE_SIZE));
  const rows = await listPageQuery(db, filter, limit, page.cursor).execute();
  const items = rows.slice(0, limit) as ExecutionListItem[];
  return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]!) : null };
}

const add = (map: Record<string, number>, key: string, value: number) => {
  map[key] = (map[key] ?? 0) + value;
};

/** Counts, seconds and money per status and currency; for one customer read from its index alone (it holds every column summed). */
export function sumsQuery(db: Tx, filter: ExecutionFilter) {
  return filtered(db, filter)
    .select((eb) => [
      'x.payment_status as status',
      'x.currency as currency',
      eb.fn.countAll<number>().as('count'),
      eb.fn.sum<number>('x.time_saved_seconds').as('time_saved'),
      eb.fn.sum<number>('x.covered_seconds').as('covered'),
      eb.fn.sum<number>('x.billable_seconds').as('billable'),
      eb.fn.sum<number>('x.price').as('price'),
    ])
    .groupBy(['x.payment_status', 'x.currency']);
}

/** Counts, seconds and money of everything the filter matches, in one grouped query (sumsQuery). */
export async function sumExecutions(db: Tx, filter: ExecutionFilter): Promise<ExecutionSums> {
  const rows = await sumsQuery(db, filter).execute();
  const sums: ExecutionSums = {
    count: 0,
    timeSavedSeconds: 0,
    coveredSeconds: 0,
    billableSeconds: 0,
    price: {},
    openPrice: {},
    byStatus: Object.fromEntries(PAYMENT_STATUSES.map((s) => [s, { count: 0, timeSavedSeconds: 0, price: {} }])) as Record<
      PaymentStatus,
      StatusTotals
    >,
  };
  for (const row of rows) {
    const count = Number(row.count);
    const timeSaved = Number(row.time_saved ?? 0);
    const price = Number(row.price ?? 0);
    sums.count += count;
    sums.timeSavedSeconds += timeSaved;
    sums.coveredSeconds += Number(row.covered ?? 0);
    sums.billableSeconds += Number(row.billable ?? 0);
    const status = sums.byStatus[row.status];
    status.count += count;
    status.timeSavedSeconds += timeSaved;
    add(status.price, row.currency, price);
    if (row.status === 'NOT_PAID' || row.status === 'PAID') add(sums.price, row.currency, price);
    if (row.status === 'NOT_PAID') add(sums.openPrice, row.currency, price);
  }
  return sums;
}

/** One exported booking as the database returns it: id, program name, seconds, price (micro-units), created at, status. */
export type ExportRow = [id: string, programName: string | null, timeSavedSeconds: number, price: number, createdAt: string, status: PaymentStatus];

/**
 * Every matching booking for an export, newest first, in batches of raw rows read from ONE snapshot on a
 * connection of its own (core/db/snapshot.ts): a booking committed or a status changed while the export
 * runs is either wholly in it (before its start) or not at all, and the export holds no lock and no event
 * loop turn longer than one batch. Program names come from one small query in the same snapshot instead of
 * a join per row.
 */
export async function* exportRowBatches(db: Tx, filter: ExecutionFilter, batchSize?: number): AsyncGenerator<ExportRow[]> {
  const programs = programNamesQuery(db);
  const rows = filtered(db, filter)
    .select(['x.id', 'x.program_id', 'x.time_saved_seconds', 'x.price', 'x.created_at', 'x.payment_status'])
    .orderBy('x.created_at', 'desc')
    .orderBy('x.id', 'desc')
    .compile();
  const names = new Map<unknown, string>();
  for await (const batch of readSnapshot(db, [programs, rows], batchSize)) {
    if (batch.query === 0) {
      for (const [id, name] of batch.rows) names.set(id, name as string);
      continue;
    }
    for (const row of batch.rows) row[1] = names.get(row[1]) ?? null;
    yield batch.rows as ExportRow[];
  }
}
