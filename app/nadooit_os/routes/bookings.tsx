import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { notFound } from '../../core/http/errors.js';
import { pageContext } from '../../core/ui/page-context.js';
import { requireUser } from '../../nadooit_auth/guards.js';
import { exportExecutionsCsv } from '../../nadooit_api_executions_system/services/csv.js';
import { bookingBlock, exportRange, moreBookingRows } from '../bookings.js';
import { effectiveTimeZone, isFilter } from '../periods.js';
import type { Filter } from '../periods.js';
import { BookingBlockView, BookingRows, BookingsPage } from '../views/bookings.js';
import { customerWithRole, customersWithRoleFor, dashboardPage, queryString, replyNoRole } from './context.js';

const ROLE = 'customer_program_execution_manager' as const;

function filterParam(request: FastifyRequest): Filter {
  const value = (request.params as { filter?: string }).filter ?? '';
  if (!isFilter(value)) throw notFound();
  return value;
}

/** "Übersicht der Buchungen" with its per-customer fragments, the "load more" rows and the CSV export. */
export function bookingRoutes(scope: FastifyInstance, app: AppContext): void {
  const db = app.db.kysely;

  scope.get('/customer-program-execution/customer-order-overview', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    const customers = await customersWithRoleFor(request, app, ROLE);
    if (!customers.length) return replyNoRole(reply, ctx, viewer, ctx.t('os.bookings.title'));
    const requested = queryString(request, 'filter') ?? 'last20';
    const filter: Filter = isFilter(requested) ? requested : 'last20';
    // "Weiter" without JavaScript: the next page of one customer's rows.
    const pagedCustomer = queryString(request, 'customer');
    const cursor = queryString(request, 'cursor');
    const blocks = await Promise.all(
      customers.map((customer) => bookingBlock(db, customer, filter, { cursor: customer.id === pagedCustomer ? cursor : undefined })),
    );
    return reply.html(<BookingsPage ctx={ctx} viewer={viewer} blocks={blocks} />);
  });

  const fragment = async (request: FastifyRequest) => {
    const filter = filterParam(request);
    const customer = await customerWithRole(request, app, ROLE);
    const ctx = await pageContext(request);
    return <BookingBlockView ctx={ctx} block={await bookingBlock(db, customer, filter)} />;
  };
  // Both of the original's paths (the misspelt "cutomer" included, so old links keep working).
  for (const path of ['/customer-program-execution-list-for-cutomer/:filter/:customerId', '/customer-program-execution-filter-tabs/:filter/:customerId']) {
    scope.get(path, async (request, reply) => reply.html(await fragment(request)));
  }

  scope.get('/customer-program-execution-list-for-cutomer/:filter/:customerId/rows', async (request, reply) => {
    const filter = filterParam(request);
    const customer = await customerWithRole(request, app, ROLE);
    const cursor = queryString(request, 'cursor');
    if (!cursor) throw notFound();
    const { rows, nextCursor } = await moreBookingRows(db, customer, filter, cursor);
    const ctx = await pageContext(request);
    return reply.html(
      <BookingRows ctx={ctx} rows={rows} timeZone={effectiveTimeZone(customer.time_zone)} customerId={customer.id} filter={filter} nextCursor={nextCursor} />,
    );
  });

  scope.get('/customer-program-execution/export/:filter/:customerId', async (request, reply) => {
    const filter = filterParam(request);
    const customer = await customerWithRole(request, app, ROLE);
    const range = await exportRange(db, customer, filter);
    const lines = await exportExecutionsCsv(db, { actorUserId: requireUser(request).id, customerId: customer.id, ...range });
    const day = new Date().toISOString().slice(0, 10);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="transactions-${filter}-${day}.csv"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(lines));
  });
}
