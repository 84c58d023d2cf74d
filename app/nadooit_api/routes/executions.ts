import { Readable } from 'node:stream';
import { z } from 'zod';
import { CSV_FORMATS } from '../../core/csv.js';
import type { AppContext } from '../../core/app-module.js';
import { notFound } from '../../core/http/errors.js';
import { PermissionDenied } from '../../core/errors.js';
import { hasRole } from '../../nadooit_hr/permissions.js';
import { getCustomerProgram } from '../../nadooit_program_ownership_system/services.js';
import { getProgram } from '../../nadooit_program/services.js';
import {
  bookExecution,
  bookingBody,
  executionById,
  exportExecutionsCsv,
  listExecutions,
  revokeExecution,
  setPaymentStatus,
  statusHistory,
  sumExecutions,
} from '../../nadooit_api_executions_system/services/index.js';
import type { ExecutionFilter } from '../../nadooit_api_executions_system/services/index.js';
import { actorOf, principalOf } from '../auth.js';
import type { Principal } from '../auth.js';
import {
  Booking,
  BookingRequest,
  ExecutionDetails,
  ExecutionListQuery,
  ExecutionPage,
  ExecutionQuery,
  ExecutionSums,
  IdParams,
  NoteRequest,
  PaymentStatusRequest,
  errors,
} from '../schemas.js';
import { AREAS, STAFF_ACTIONS, inScope, sees, staffMay, staffMayRun, visibleCustomers } from '../scope.js';
import { executionItemOut, executionOut, sumsOut } from '../serialize.js';
import type { Api } from '../types.js';
import { utc } from '../types.js';

type Query = z.output<typeof ExecutionQuery>;

async function filterFor(context: AppContext, principal: Principal, query: Query): Promise<ExecutionFilter> {
  return {
    customerIds: await visibleCustomers(context.db.kysely, principal, AREAS.executions, query.customer),
    programIds: query.program ? [query.program] : undefined,
    customerProgramIds: query.customer_program ? [query.customer_program] : undefined,
    from: utc(query.from),
    to: utc(query.to),
    statuses: query.status,
  };
}

export function executionRoutes(api: Api, context: AppContext): void {
  const db = context.db.kysely;
  /** A booking the caller may see (404 otherwise, also for staff outside their key's customer). */
  const visibleExecution = async (principal: Principal, id: string) => {
    const execution = await executionById(db, id);
    if (!execution || !inScope(await visibleCustomers(db, principal, AREAS.executions), execution.customer_id)) throw notFound('Buchung nicht gefunden').localized('api.error.execution_not_found');
    return execution;
  };

  api.get(
    '/executions',
    {
      schema: {
        tags: ['executions'],
        summary: 'Bookings of the customers the caller is execution manager for, newest first, cursor-paginated',
        querystring: ExecutionListQuery,
        response: { 200: ExecutionPage, ...errors },
      },
    },
    async (request) => {
      const filter = await filterFor(context, principalOf(request), request.query);
      const page = await listExecutions(db, filter, { limit: request.query.limit, cursor: request.query.cursor });
      return { items: page.items.map(executionItemOut), next_cursor: page.nextCursor };
    },
  );

  api.get(
    '/executions/sums',
    {
      schema: {
        tags: ['executions'],
        summary: 'Counts, seconds and money of the bookings matching the same filters',
        querystring: ExecutionQuery,
        response: { 200: ExecutionSums, ...errors },
      },
    },
    async (request) => sumsOut(await sumExecutions(db, await filterFor(context, principalOf(request), request.query))),
  );

  api.get(
    '/executions/export.csv',
    {
      schema: {
        tags: ['executions'],
        summary: "CSV of one customer's bookings in a period (the customer's execution managers only)",
        description:
          'Columns: id,Programmname,erspaarte Zeit,Preis,Erstellt,Status. Streamed; any size. `format=standard` (default): `,`, decimal point, ISO-8601 UTC; `format=spreadsheet`: UTF-8 BOM, `;`, decimal comma, wall-clock time in the customer\'s zone (for German Excel/LibreOffice).',
        querystring: ExecutionQuery.required({ customer: true })
          .pick({ customer: true, from: true, to: true, status: true })
          .extend({ format: z.enum(CSV_FORMATS).optional() }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const { customer, from, to, status, format } = request.query;
      const principal = principalOf(request);
      if (principal.keyCustomerId && principal.keyCustomerId !== customer) throw new PermissionDenied();
      const lines = await exportExecutionsCsv(db, { actorUserId: principal.userId, customerId: customer, from: utc(from), to: utc(to), statuses: status, format });
      const name = `buchungen-${(from ?? 'alle').slice(0, 10)}-${(to ?? 'heute').slice(0, 10)}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(Readable.from(lines));
    },
  );

  api.get(
    '/executions/:id',
    { schema: { tags: ['executions'], summary: 'One booking with its payment-status history', params: IdParams, response: { 200: ExecutionDetails, ...errors } } },
    async (request) => {
      const principal = principalOf(request);
      const execution = await visibleExecution(principal, request.params.id);
      const program = execution.program_id ? await getProgram(db, execution.program_id) : undefined;
      const history = (await sees(db, principal, AREAS.statusHistory, execution.customer_id)) ? await statusHistory(db, execution.id) : null;
      return {
        ...executionOut({ ...execution, program_name: program?.name ?? null }),
        status_history: history?.map((c) => ({
          from_status: c.from_status,
          to_status: c.to_status,
          actor_user_id: c.actor_user_id,
          credited_seconds: Number(c.credited_seconds),
          note: c.note,
          created_at: c.created_at,
        })) ?? null,
      };
    },
  );

  api.post(
    '/executions',
    {
      schema: {
        tags: ['executions'],
        summary: 'Book a run by hand (execution managers with can_create_customer_program_execution)',
        description: 'Bots use POST /api/executions. An Idempotency-Key header (or idempotency_key) makes retries safe.',
        body: BookingRequest,
        response: { 201: Booking, 200: Booking, ...errors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const program = await getCustomerProgram(db, request.body.customer_program_id);
      const scope = await visibleCustomers(db, principal, AREAS.executions);
      if (!program || !inScope(scope, program.customer_id)) throw notFound('Kundenprogramm nicht gefunden').localized('api.error.customer_program_not_found');
      if (!staffMay(principal, AREAS.executions.models, 'add') && !(await hasRole(db, principal.userId, program.customer_id!, 'customer_program_execution_manager', 'can_create_customer_program_execution'))) {
        throw new PermissionDenied('Sie dürfen für diesen Kunden keine Buchungen anlegen.');
      }
      const header = request.headers['idempotency-key'];
      const { execution, replayed } = await bookExecution(db, {
        customerProgramId: program.id,
        timeSavedSeconds: request.body.time_saved ?? null,
        maxTimeSavedSeconds: context.settings.maxTimeSavedSeconds,
        userId: principal.userId,
        idempotencyKey: (Array.isArray(header) ? header[0] : header) ?? request.body.idempotency_key,
      });
      return reply.code(replayed ? 200 : 201).send(bookingBody(execution));
    },
  );

  api.post(
    '/executions/:id/payment-status',
    {
      schema: {
        tags: ['executions'],
        summary: "Change the payment status through the transition table (staff holding the admin's permission for it: change on executions)",
        description: 'NOT_PAID → PAID | REVOKED; PAID → REFUNDED. REVOKED and REFUNDED credit back exactly the drawn seconds.',
        params: IdParams,
        body: PaymentStatusRequest,
        response: { 200: z.object({ payment_status: z.string(), credited_seconds: z.number().int() }), ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      if (!staffMayRun(principal, STAFF_ACTIONS.setPaymentStatus)) throw new PermissionDenied('Nur NADOOIT-Mitarbeiter können den Zahlungsstatus ändern.');
      const execution = await visibleExecution(principal, request.params.id);
      const change = await setPaymentStatus(db, { ...actorOf(request, true), executionId: execution.id, status: request.body.status, note: request.body.note });
      return { payment_status: change.execution.payment_status, credited_seconds: change.creditedSeconds };
    },
  );

  api.post(
    '/executions/:id/revoke',
    {
      schema: {
        tags: ['executions'],
        summary: 'Revoke an unpaid booking (execution managers with can_delete_customer_program_execution)',
        params: IdParams,
        body: NoteRequest.optional(),
        response: { 200: z.object({ payment_status: z.string(), credited_seconds: z.number().int() }), ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const execution = await visibleExecution(principal, request.params.id);
      const change = await revokeExecution(db, { ...actorOf(request, staffMayRun(principal, STAFF_ACTIONS.setPaymentStatus)), executionId: execution.id, note: request.body?.note });
      return { payment_status: change.execution.payment_status, credited_seconds: change.creditedSeconds };
    },
  );
}
