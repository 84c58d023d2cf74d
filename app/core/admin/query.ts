import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import type { DB } from '../db/connection.js';
import { choicesOf, fieldOf, primaryKey } from './site.js';
import type { AdminSite } from './site.js';
import type { AdminField, AdminResource, Row } from './types.js';
import { isUuid } from './values.js';
import { periodNow } from '../time/clock.js';
import { periodStart, periodStartDate, PERIODS } from './periods.js';
import type { Period } from './periods.js';

/** The admin builds queries over tables chosen at runtime, so it talks to Kysely untyped. */
export type AnyDb = Kysely<any>;
type Eb = ExpressionBuilder<any, any>;

export const untyped = (db: DB): AnyDb => db as unknown as AnyDb;

export type Cursor = [unknown, string];

export interface ListQuery {
  search: string;
  /** Field name → filter value (see `filterCondition`). */
  filters: Record<string, string>;
  order: { field: string; direction: 'asc' | 'desc' };
  after?: Cursor;
  before?: Cursor;
  /** Jump to the last page (the order reversed without a cursor). */
  last?: boolean;
  limit: number;
}

export const MAX_PER_PAGE = 500;
export const COUNT_CAP = 10_000;
export const FILTERED_COUNT_CAP = 1_000;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(value: unknown): Cursor | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    const scalar = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);
    if (Array.isArray(parsed) && parsed.length === 2 && scalar(parsed[0]) && typeof parsed[1] === 'string') return parsed as Cursor;
  } catch {
    /* a tampered cursor is ignored: the first page is shown */
  }
  return undefined;
}

export function sortableFields(resource: AdminResource): string[] {
  return [...new Set([resource.list.ordering.field, ...(resource.list.sortable ?? []), primaryKey(resource)])];
}

/** Reads `q`, `o` (field or -field), `f.<field>`, `after`, `before`, `last` and `n` from a query string. */
export function parseListQuery(resource: AdminResource, query: Record<string, unknown>): ListQuery {
  const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '');
  const ordering = str(query.o);
  const field = ordering.replace(/^-/, '');
  const order = sortableFields(resource).includes(field)
    ? { field, direction: ordering.startsWith('-') ? ('desc' as const) : ('asc' as const) }
    : resource.list.ordering;
  const filters: Record<string, string> = {};
  const filterable = [
    ...(resource.list.filters ?? []),
    ...resource.fields.filter((f) => f.type === 'relation').map((f) => f.name),
    ...(resource.list.presets ?? []).map((p) => p.name),
  ];
  for (const name of filterable) {
    const value = str(query[`f.${name}`]);
    if (value !== '') filters[name] = value;
  }
  const perPage = Number(str(query.n)) || resource.list.perPage || 50;
  return {
    search: str(query.q).trim().slice(0, 200),
    filters,
    order,
    after: decodeCursor(query.after),
    before: decodeCursor(query.before),
    last: str(query.last) === '1',
    limit: Math.min(Math.max(perPage, 1), MAX_PER_PAGE),
  };
}

function likePattern(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

type Condition = (eb: Eb) => Expression<SqlBool>;

/** A relation search resolved to at most this many ids becomes `fk IN (ids)` (an index lookup). */
const RESOLVED_IDS = 500;

/**
 * One search word against one resource: OR over its search fields. A UUID is an id: it is compared with the
 * id columns, and with a relation column only when the related table has a row with that id. Other words match text fields and, through relations, the
 * search fields of the related resource (up to two levels), resolved first to the matching ids, so that a
 * search for a rare customer name on a million bookings is an index lookup and no match costs nothing.
 */
async function searchCondition(db: DB, site: AdminSite, resource: AdminResource, term: string, depth: number): Promise<Condition | null> {
  const options: Condition[] = [];
  const uuid = isUuid(term);
  for (const spec of resource.list.search ?? []) {
    const name = typeof spec === 'string' ? spec : spec.field;
    const mode = typeof spec === 'string' ? 'contains' : spec.mode;
    const field = fieldOf(resource, name);
    const type = field?.type ?? 'uuid';
    if (type === 'uuid' || type === 'relation') {
      if (uuid && type === 'relation' && field?.relation) {
        // Only where the id names a row of the related table: an unindexed foreign key is then never scanned in vain.
        const target = site.get(field.relation.resource)!;
        const id = term.toLowerCase();
        const exists = await untyped(db).selectFrom(target.table).select(primaryKey(target)).where(primaryKey(target), '=', id).executeTakeFirst();
        if (exists) options.push((eb) => eb(eb.ref(name), '=', id));
      } else if (uuid) options.push((eb) => eb(eb.ref(name), '=', term.toLowerCase()));
      else if (type === 'relation' && field?.relation && depth < 2) {
        const target = site.get(field.relation.resource)!;
        const inner = await searchCondition(db, site, target, term, depth + 1);
        if (!inner) continue;
        const pk = primaryKey(target);
        const matches = (await untyped(db).selectFrom(target.table).select(pk).where(inner).limit(RESOLVED_IDS + 1).execute()) as Row[];
        if (matches.length === 0) continue;
        const ids = matches.map((r) => r[pk]);
        options.push(
          ids.length <= RESOLVED_IDS
            ? (eb) => eb(eb.ref(name), 'in', ids)
            : (eb) => eb(eb.ref(name), 'in', eb.selectFrom(target.table).select(pk).where(inner)),
        );
      }
    } else if (uuid && mode !== 'exact') {
      continue;
    } else if (type === 'integer' || type === 'seconds') {
      if (/^-?\d{1,15}$/.test(term)) options.push((eb) => eb(eb.ref(name), '=', Number(term)));
    } else if (mode === 'exact') {
      options.push((eb) => eb(eb.ref(name), '=', term));
    } else {
      options.push(() => sql<SqlBool>`lower(${sql.ref(name)}) like ${likePattern(term)} escape '\\'`);
    }
  }
  return options.length ? (eb) => eb.or(options.map((o) => o(eb))) : null;
}

/** A filter value for a field: booleans '1'/'0', choices and ids exact, '__null' for empty, periods for times. */
function filterCondition(eb: Eb, field: AdminField, value: string, timeZone: string, now: Date): Expression<SqlBool> | null {
  if (value === '__null') return eb(eb.ref(field.name), 'is', null);
  switch (field.type) {
    case 'boolean':
      return value === '1' || value === '0' ? eb(eb.ref(field.name), '=', value === '1') : null;
    case 'choice':
      return choicesOf(field).some((c) => c.value === value) ? eb(eb.ref(field.name), '=', value) : null;
    case 'relation':
    case 'uuid':
      return isUuid(value) ? eb(eb.ref(field.name), '=', value.toLowerCase()) : null;
    case 'datetime':
    case 'date': {
      if (!PERIODS.includes(value as Period)) return null;
      const period = value as Period;
      const start = field.type === 'date' ? periodStartDate(period, timeZone, now) : periodStart(period, timeZone, now);
      return eb(eb.ref(field.name), '>=', start);
    }
    case 'integer':
    case 'seconds':
      return /^-?\d{1,15}$/.test(value) ? eb(eb.ref(field.name), '=', Number(value)) : null;
    default:
      return eb(eb.ref(field.name), '=', value);
  }
}

/** A preset filter: the rows the owning app named (none named: no row). */
function presetCondition(resource: AdminResource, ids: string[]): Condition {
  const pk = primaryKey(resource);
  return (eb) => (ids.length ? eb(eb.ref(pk), 'in', ids) : sql<SqlBool>`1 = 0`);
}

export interface QueryScope {
  site: AdminSite;
  resource: AdminResource;
  timeZone: string;
  now?: Date;
}

/** Search words (AND) and filters (AND) as one condition (relation searches resolved first). */
export async function listCondition(db: DB, scope: QueryScope, lq: ListQuery): Promise<Condition> {
  const { site, resource } = scope;
  const parts: Condition[] = [];
  for (const term of lq.search.split(/\s+/).filter(Boolean).slice(0, 5)) {
    parts.push((await searchCondition(db, site, resource, term, 0)) ?? (() => sql<SqlBool>`1 = 0`));
  }
  const now = scope.now ?? periodNow();
  for (const [name, value] of Object.entries(lq.filters)) {
    const preset = resource.list.presets?.find((p) => p.name === name);
    if (preset) {
      if (value === '1') parts.push(presetCondition(resource, await preset.ids(db)));
      continue;
    }
    const field = fieldOf(resource, name);
    if (field) parts.push((eb) => filterCondition(eb, field, value, scope.timeZone, now) ?? sql<SqlBool>`1 = 1`);
  }
  return (eb) => eb.and(parts.map((p) => p(eb)));
}

/** A cursor from the URL must match the sort column's type (PostgreSQL rejects a text for a timestamp). */
function cursorFits(resource: AdminResource, field: string, [value, id]: Cursor): boolean {
  if (primaryKey(resource) === 'id' && !isUuid(id)) return false;
  const type = fieldOf(resource, field)?.type ?? 'uuid';
  switch (type) {
    case 'integer':
    case 'seconds':
    case 'money':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'datetime':
    case 'date':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'uuid':
    case 'relation':
      return isUuid(value);
    default:
      return typeof value === 'string';
  }
}

export interface Page {
  rows: Row[];
  /** Cursor for the next/previous page, or null at the end/start. */
  next: Cursor | null;
  previous: Cursor | null;
}

/**
 * One page by keyset: ORDER BY (field, pk) with a row-value comparison against the cursor, so page 20,000
 * costs what page 1 costs on an index over (field, pk) — or (field) alone, where the pk breaks ties.
 */
export async function listPage(db: DB, scope: QueryScope, lq: ListQuery, columns: string[]): Promise<Page> {
  const { resource } = scope;
  const pk = primaryKey(resource);
  const { field, direction } = lq.order;
  const fits = (c: Cursor | undefined) => (c && cursorFits(resource, field, c) ? c : undefined);
  const before = fits(lq.before);
  const after = fits(lq.after);
  const mode = before ? 'before' : after ? 'after' : lq.last ? 'last' : 'first';
  const backwards = mode === 'before' || mode === 'last';
  const dir = backwards ? (direction === 'asc' ? 'desc' : 'asc') : direction;
  const cursor = before ?? after;
  const select = [...new Set([pk, field, ...columns])];
  let query = untyped(db)
    .selectFrom(resource.table)
    .select(select)
    .where(await listCondition(db, scope, lq));
  if (cursor) {
    const op = dir === 'asc' ? '>' : '<';
    query = query.where((eb: Eb) =>
      field === pk ? eb(eb.ref(pk), op, cursor[1]) : eb(eb.refTuple(field, pk), op, eb.tuple(cursor[0], cursor[1])),
    );
  }
  query = query.orderBy(field, dir);
  if (field !== pk) query = query.orderBy(pk, dir);
  const fetched = (await query.limit(lq.limit + 1).execute()) as Row[];
  const more = fetched.length > lq.limit;
  const rows = fetched.slice(0, lq.limit);
  if (backwards) rows.reverse();
  const at = (row: Row | undefined): Cursor | null => (row ? [row[field], String(row[pk])] : null);
  switch (mode) {
    case 'first':
      return { rows, previous: null, next: more ? at(rows[rows.length - 1]) : null };
    case 'after':
      return { rows, previous: at(rows[0]), next: more ? at(rows[rows.length - 1]) : null };
    case 'before':
      return { rows, previous: more ? at(rows[0]) : null, next: at(rows[rows.length - 1]) };
    default:
      return { rows, previous: more ? at(rows[0]) : null, next: null };
  }
}

/**
 * Counts matching rows up to a cap, so a million-row table costs a bounded scan. A search or filter that
 * the indexes cannot answer walks rows until the cap: its cap is lower.
 */
export async function cappedCount(db: DB, scope: QueryScope, lq: ListQuery, cap = lq.search || Object.keys(lq.filters).length ? FILTERED_COUNT_CAP : COUNT_CAP): Promise<{ count: number; capped: boolean }> {
  const inner = untyped(db)
    .selectFrom(scope.resource.table)
    .select(sql`1`.as('one'))
    .where(await listCondition(db, scope, lq))
    .limit(cap + 1);
  const row = (await untyped(db).selectFrom(inner.as('sub')).select(sql<number>`count(*)`.as('n')).executeTakeFirst()) as { n: number | string };
  const count = Number(row.n);
  return count > cap ? { count: cap, capped: true } : { count, capped: false };
}

/** Every matching row in list order, fetched page by page (for the CSV export: memory stays flat). */
export async function* iterateRows(db: DB, scope: QueryScope, lq: ListQuery, columns: string[], batch = 1000): AsyncGenerator<Row[]> {
  let after: Cursor | undefined;
  for (;;) {
    const page = await listPage(db, scope, { ...lq, after, before: undefined, last: false, limit: batch }, columns);
    if (page.rows.length) yield page.rows;
    if (!page.next) return;
    after = page.next;
  }
}
