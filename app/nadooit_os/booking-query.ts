import { isUuid } from '../core/ids.js';
import type { FieldErrors } from '../core/ui/components.js';
import { PAYMENT_STATUSES } from '../nadooit_api_executions_system/models.js';
import type { PaymentStatus } from '../nadooit_api_executions_system/models.js';
import { uuidPrefixRange } from '../nadooit_api_executions_system/services/queries.js';
import { daysInRange, isFilter, MAX_RANGE_DAYS } from './periods.js';
import type { Filter } from './periods.js';

/**
 * What the bookings page shows, from its query string: a shortcut (`filter`) or a free range of local dates
 * (`from`, `to`, both included), a program, a status and the beginning of a booking id (`q`). Parsed here, at
 * the boundary: a malformed value becomes a field error (the page answers 400 and shows it) and is left out,
 * never a database error.
 */
export interface BookingQuery {
  /** The shortcut, when no free range is given. Default "this month". */
  filter: Filter;
  from: string | null;
  to: string | null;
  programId: string | null;
  status: PaymentStatus | null;
  /** Hex digits and dashes, lowercase. */
  q: string | null;
}

export const DEFAULT_QUERY: BookingQuery = { filter: 'thismonth', from: null, to: null, programId: null, status: null, q: null };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1970 && y <= 9999 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

type Translate = (key: string, params?: Record<string, string | number>) => string;

const text = (raw: Record<string, unknown>, name: string): string => {
  const value = raw[name];
  return typeof value === 'string' ? value.trim() : '';
};

export function parseBookingQuery(raw: Record<string, unknown> | undefined, t: Translate): { query: BookingQuery; errors: FieldErrors } {
  const input = raw ?? {};
  const errors: FieldErrors = {};
  const fail = (field: string, key: string, params?: Record<string, string | number>) => {
    errors[field] = [t(key, params)];
  };
  const query: BookingQuery = { ...DEFAULT_QUERY };
  const filter = text(input, 'filter');
  if (filter) {
    if (isFilter(filter)) query.filter = filter;
    else fail('filter', 'os.bookings.error.filter');
  }
  let from = text(input, 'from');
  let to = text(input, 'to');
  if (from && !isDate(from)) {
    fail('from', 'os.bookings.error.date');
    from = '';
  }
  if (to && !isDate(to)) {
    fail('to', 'os.bookings.error.date');
    to = '';
  }
  // One date alone is that one day.
  if (from || to) {
    const start = from || to;
    const end = to || from;
    if (start > end) fail('to', 'os.bookings.error.order');
    else if (daysInRange(start, end) > MAX_RANGE_DAYS) fail('to', 'os.bookings.error.long', { days: MAX_RANGE_DAYS });
    else Object.assign(query, { from: start, to: end });
  }
  const program = text(input, 'program');
  if (program) {
    if (isUuid(program)) query.programId = program.toLowerCase();
    else fail('program', 'os.bookings.error.program');
  }
  const status = text(input, 'status');
  if (status) {
    if ((PAYMENT_STATUSES as readonly string[]).includes(status)) query.status = status as PaymentStatus;
    else fail('status', 'os.bookings.error.status');
  }
  const q = text(input, 'q').toLowerCase();
  if (q) {
    if (uuidPrefixRange(q)) query.q = q;
    else fail('q', 'os.bookings.error.id');
  }
  return { query, errors };
}

/** The query string (without "?") that reproduces a query, for links, fragments and the CSV export. */
export function bookingQueryString(query: BookingQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (query.from && query.to) {
    params.set('from', query.from);
    params.set('to', query.to);
  } else params.set('filter', query.filter);
  if (query.programId) params.set('program', query.programId);
  if (query.status) params.set('status', query.status);
  if (query.q) params.set('q', query.q);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params.toString();
}

/** True when something beyond the period narrows the bookings (program, status or id). */
export function narrowed(query: BookingQuery): boolean {
  return Boolean(query.programId || query.status || query.q);
}
