import type { AppContext } from '../../core/app-module.js';
import type { Tx } from '../../core/db/transaction.js';
import { notFound } from '../../core/http/errors.js';
import { formatDecimal } from '../../nadooit_api_executions_system/services/index.js';
import { principalOf } from '../auth.js';
import { CustomerFilter, CustomerProgram, IdParams, Program, errors, items } from '../schemas.js';
import { AREAS, visibleCustomers } from '../scope.js';
import type { CustomerScope } from '../scope.js';
import type { Api } from '../types.js';

function customerPrograms(db: Tx, scope: CustomerScope) {
  let query = db
    .selectFrom('pos_customer_programs as cp')
    .leftJoin('program_programs as p', 'p.id', 'cp.program_id')
    .leftJoin('ex_customer_program_counters as n', 'n.customer_program_id', 'cp.id')
    .selectAll('cp')
    .select(['p.name as program_name', 'n.billable_seconds as billable_seconds_total'])
    .orderBy('cp.created_at', 'desc')
    .orderBy('cp.id');
  if (scope !== 'all') query = scope.length ? query.where('cp.customer_id', 'in', scope) : query.where('cp.id', 'is', null);
  return query;
}

type CustomerProgramRow = Awaited<ReturnType<ReturnType<typeof customerPrograms>['execute']>>[number];

function customerProgramOut(row: CustomerProgramRow) {
  return {
    id: row.id,
    customer_id: row.customer_id,
    program_id: row.program_id,
    program_name: row.program_name,
    time_account_id: row.time_account_id,
    default_seconds_per_run: row.program_time_saved_per_execution_in_seconds,
    pricing_mode: row.pricing_mode,
    price_per_second: formatDecimal(row.price_per_second),
    currency: row.currency,
    is_active: row.is_active,
    billable_seconds_total: Number(row.billable_seconds_total ?? 0),
    created_at: row.created_at,
  };
}

export function programRoutes(api: Api, { db }: AppContext): void {
  api.get(
    '/programs',
    {
      schema: {
        tags: ['programs'],
        summary: 'Programs licensed to customers the caller manages programs or executions for (staff granted view on it in the admin: all)',
        response: { 200: items(Program), ...errors },
      },
    },
    async (request) => {
      const scope = await visibleCustomers(db.kysely, principalOf(request), AREAS.programs);
      let query = db.kysely.selectFrom('program_programs as p').select(['p.id', 'p.name', 'p.description']).orderBy('p.name').orderBy('p.id').limit(1000);
      if (scope !== 'all') {
        if (!scope.length) return { items: [] };
        query = query.where((eb) =>
          eb.exists(eb.selectFrom('pos_customer_programs as cp').select('cp.id').whereRef('cp.program_id', '=', 'p.id').where('cp.customer_id', 'in', scope)),
        );
      }
      return { items: await query.execute() };
    },
  );

  api.get(
    '/customer-programs',
    {
      schema: {
        tags: ['programs'],
        summary: 'Programs licensed to customers, with pricing and running totals',
        querystring: CustomerFilter,
        response: { 200: items(CustomerProgram), ...errors },
      },
    },
    async (request) => {
      const scope = await visibleCustomers(db.kysely, principalOf(request), AREAS.customerPrograms, request.query.customer);
      const rows = await customerPrograms(db.kysely, scope).limit(1000).execute();
      return { items: rows.map(customerProgramOut) };
    },
  );

  api.get(
    '/customer-programs/:id',
    { schema: { tags: ['programs'], summary: 'One customer program', params: IdParams, response: { 200: CustomerProgram, ...errors } } },
    async (request) => {
      const scope = await visibleCustomers(db.kysely, principalOf(request), AREAS.customerPrograms);
      const row = await customerPrograms(db.kysely, scope).where('cp.id', '=', request.params.id).executeTakeFirst();
      if (!row) throw notFound('Kundenprogramm nicht gefunden');
      return customerProgramOut(row);
    },
  );
}
