import type { AppContext } from '../../core/app-module.js';
import type { Tx } from '../../core/db/transaction.js';
import { notFound } from '../../core/http/errors.js';
import { formatDecimal } from '../../nadooit_api_executions_system/services/index.js';
import { billableSecondsOfMany } from '../../nadooit_api_executions_system/pricing.js';
import { programsByName } from '../../nadooit_program/services.js';
import { customerProgramsWithNames, programIdsLicensedTo } from '../../nadooit_program_ownership_system/services.js';
import { principalOf } from '../auth.js';
import { CustomerFilter, CustomerProgram, IdParams, Program, errors, items } from '../schemas.js';
import { AREAS, visibleCustomers } from '../scope.js';
import type { CustomerScope } from '../scope.js';
import type { Api } from '../types.js';

/** Customer programs a scope may see, with program names and running billable totals. */
async function visibleCustomerPrograms(db: Tx, scope: CustomerScope, id?: string) {
  const rows = await customerProgramsWithNames(db, { customerIds: scope, id });
  const totals = await billableSecondsOfMany(db, rows.map((r) => r.id));
  return rows.map((row) => ({
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
    billable_seconds_total: totals.get(row.id) ?? 0,
    created_at: row.created_at,
  }));
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
      const programs = await programsByName(db.kysely, scope === 'all' ? {} : { ids: await programIdsLicensedTo(db.kysely, scope) });
      return { items: programs.map(({ id, name, description }) => ({ id, name, description })) };
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
      return { items: await visibleCustomerPrograms(db.kysely, scope) };
    },
  );

  api.get(
    '/customer-programs/:id',
    { schema: { tags: ['programs'], summary: 'One customer program', params: IdParams, response: { 200: CustomerProgram, ...errors } } },
    async (request) => {
      const scope = await visibleCustomers(db.kysely, principalOf(request), AREAS.customerPrograms);
      const [row] = await visibleCustomerPrograms(db.kysely, scope, request.params.id);
      if (!row) throw notFound('Kundenprogramm nicht gefunden').localized('api.error.customer_program_not_found');
      return row;
    },
  );
}
