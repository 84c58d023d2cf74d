import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { isCsvFormat } from '../../core/csv.js';
import type { CsvFormat } from '../../core/csv.js';
import { InvalidInput } from '../../core/errors.js';
import { notFound } from '../../core/http/errors.js';
import { pageContext } from '../../core/ui/page-context.js';
import type { PageContext } from '../../core/ui/page-context.js';
import { requireUser } from '../../nadooit_auth/guards.js';
import { exportExecutionsCsv } from '../../nadooit_api_executions_system/services/csv.js';
import { customerProgramsWithNames } from '../../nadooit_program_ownership_system/services.js';
import { parseBookingQuery } from '../booking-query.js';
import type { BookingQuery } from '../booking-query.js';
import { bookingBlock, exportScope, moreBookingRows, periodOf } from '../bookings.js';
import { effectiveTimeZone, isFilter, localDatesOf } from '../periods.js';
import { FilterDatesOob } from '../views/booking-filters.js';
import { BookingBlockView, BookingRows, BookingsPage } from '../views/bookings.js';
import { customerWithRole, customersWithRoleFor, dashboardPage, queryString, replyNoRole } from './context.js';

const ROLE = 'customer_program_execution_manager' as const;

/** The query of a fragment, rows or export URL: the path's shortcut, overridden by a free range in the query string. */
function pathQuery(request: FastifyRequest, ctx: PageContext): { query: BookingQuery; invalid: boolean } {
  const filter = (request.params as { filter?: string }).filter ?? '';
  if (!isFilter(filter)) throw notFound();
  const { query, errors } = parseBookingQuery({ ...(request.query as Record<string, unknown>), filter }, ctx.t);
  return { query, invalid: Object.keys(errors).length > 0 };
}

/** "Übersicht der Buchungen" with its per-customer fragments, the "load more" rows and the CSV export. */
/**
 * The export's format: `?format=spreadsheet` (German Excel/LibreOffice: BOM, `;`, decimal comma, local time) or
 * `?format=standard` (`,`, decimal point, ISO UTC); without it German readers get the spreadsheet one.
 */
function csvFormatOf(value: string | undefined, ctx: PageContext): CsvFormat {
  if (value === undefined || value === '') return ctx.language === 'de' ? 'spreadsheet' : 'standard';
  if (!isCsvFormat(value)) throw new InvalidInput(ctx.t('os.bookings.error.csv_format'), { field: 'format' });
  return value;
}

export function bookingRoutes(scope: FastifyInstance, app: AppContext): void {
  const db = app.db.kysely;

  scope.get('/customer-program-execution/customer-order-overview', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    const customers = await customersWithRoleFor(request, app, ROLE);
    if (!customers.length) return replyNoRole(reply, ctx, viewer, ctx.t('os.bookings.title'));
    const { query, errors } = parseBookingQuery(request.query as Record<string, unknown>, ctx.t);
    // "Weiter" without JavaScript: the next page of one customer's rows.
    const pagedCustomer = queryString(request, 'customer');
    const cursor = queryString(request, 'cursor');
    const [blocks, programs] = await Promise.all([
      Promise.all(customers.map((customer) => bookingBlock(db, customer, query, { cursor: customer.id === pagedCustomer ? cursor : undefined }))),
      customerProgramsWithNames(db, { customerIds: customers.map((c) => c.id) }),
    ]);
    const zone = effectiveTimeZone(customers[0]!.time_zone);
    const dates = query.from && query.to ? { from: query.from, to: query.to } : localDatesOf(periodOf(query, zone), zone);
    const byProgram = new Map(programs.filter((p) => p.program_id).map((p) => [p.program_id!, p.program_name ?? p.program_id!]));
    const options = [...byProgram].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, ctx.language));
    const page = <BookingsPage ctx={ctx} viewer={viewer} blocks={blocks} filters={{ query, dates, programs: options, errors }} />;
    return reply.html(page, Object.keys(errors).length ? 400 : 200);
  });

  const fragment = async (request: FastifyRequest) => {
    const customer = await customerWithRole(request, app, ROLE);
    const ctx = await pageContext(request);
    const { query, invalid } = pathQuery(request, ctx);
    const block = await bookingBlock(db, customer, query);
    const html = (
      <>
        <BookingBlockView ctx={ctx} block={block} />
        <FilterDatesOob dates={localDatesOf(block.period, block.customer.timeZone)} />
      </>
    );
    return { html, status: invalid ? 400 : 200 };
  };
  // Both of the original's paths (the misspelt "cutomer" included, so old links keep working).
  for (const path of ['/customer-program-execution-list-for-cutomer/:filter/:customerId', '/customer-program-execution-filter-tabs/:filter/:customerId']) {
    scope.get(path, async (request, reply) => {
      const { html, status } = await fragment(request);
      return reply.html(html, status);
    });
  }

  scope.get('/customer-program-execution-list-for-cutomer/:filter/:customerId/rows', async (request, reply) => {
    const customer = await customerWithRole(request, app, ROLE);
    const ctx = await pageContext(request);
    const { query } = pathQuery(request, ctx);
    const cursor = queryString(request, 'cursor');
    if (!cursor) throw notFound();
    const { rows, nextCursor } = await moreBookingRows(db, customer, query, cursor);
    return reply.html(<BookingRows ctx={ctx} rows={rows} timeZone={effectiveTimeZone(customer.time_zone)} customerId={customer.id} query={query} nextCursor={nextCursor} />);
  });

  scope.get('/customer-program-execution/export/:filter/:customerId', async (request, reply) => {
    const customer = await customerWithRole(request, app, ROLE);
    const ctx = await pageContext(request);
    const { query, invalid } = pathQuery(request, ctx);
    // An export must be exactly what was asked for: a malformed filter is refused, not widened.
    if (invalid) throw new InvalidInput(ctx.t('os.bookings.error.export'));
    const { customerIds: _scope, ...filter } = await exportScope(db, customer, query);
    const format = csvFormatOf(queryString(request, 'format'), ctx);
    const lines = await exportExecutionsCsv(db, { actorUserId: requireUser(request).id, customerId: customer.id, ...filter, format });
    const day = new Date().toISOString().slice(0, 10);
    const name = query.from ? `${query.from}_${query.to}` : query.filter;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="transactions-${name}-${day}.csv"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(lines));
  });
}
