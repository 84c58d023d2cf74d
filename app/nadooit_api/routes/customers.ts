import type { AppContext } from '../../core/app-module.js';
import { notFound } from '../../core/http/errors.js';
import { getCustomer, listCustomers } from '../../nadooit_crm/services.js';
import { principalOf } from '../auth.js';
import { Customer, IdParams, errors, items } from '../schemas.js';
import { AREAS, inScope, visibleCustomers } from '../scope.js';
import { customerOut } from '../serialize.js';
import type { Api } from '../types.js';

export function customerRoutes(api: Api, { db }: AppContext): void {
  api.get(
    '/customers',
    { schema: { tags: ['customers'], summary: 'Customers the caller holds a manager role for (staff granted view on it in the admin: all)', response: { 200: items(Customer), ...errors } } },
    async (request) => {
      const scope = await visibleCustomers(db.kysely, principalOf(request), AREAS.customers);
      if (scope !== 'all' && !scope.length) return { items: [] };
      const rows = await listCustomers(db.kysely, { ids: scope === 'all' ? undefined : scope, limit: 500 });
      return { items: rows.map(customerOut) };
    },
  );

  api.get(
    '/customers/:id',
    { schema: { tags: ['customers'], summary: 'One customer', params: IdParams, response: { 200: Customer, ...errors } } },
    async (request) => {
      const scope = await visibleCustomers(db.kysely, principalOf(request), AREAS.customers);
      const customer = inScope(scope, request.params.id) ? await getCustomer(db.kysely, request.params.id) : undefined;
      if (!customer) throw notFound('Kunde nicht gefunden').localized('api.error.customer_not_found');
      return customerOut(customer);
    },
  );
}
