import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { periodNow } from '../../core/time/clock.js';
import { listCustomers } from '../../nadooit_crm/services.js';
import { hasRole } from '../../nadooit_hr/permissions.js';
import { customerTimeAccounts } from '../../nadooit_time_account/services.js';
import { withLowBalance } from '../../nadooit_time_account/low-balance.js';
import { monthComparison } from '../month-comparison.js';
import { HomePage } from '../views/home.js';
import type { CustomerFigures } from '../views/home.js';
import { ProfilePage } from '../views/profile.js';
import { dashboardPage } from './context.js';

export function shellRoutes(scope: FastifyInstance, app: AppContext): void {
  const db = app.db.kysely;

  scope.get('/', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    const customers = await listCustomers(db, { ids: viewer.contracts.filter((c) => c.isActive).map((c) => c.customerId) });
    const figures = new Map<string, CustomerFigures>();
    const now = periodNow();
    await Promise.all(
      customers.map(async (customer) => {
        const f: CustomerFigures = {};
        if (await hasRole(db, viewer.user.id, customer.id, 'customer_program_execution_manager')) f.month = await monthComparison(db, customer, now);
        if (await hasRole(db, viewer.user.id, customer.id, 'time_account_manager')) {
          const active = (await customerTimeAccounts(db, customer.id)).filter((a) => a.isActive);
          f.accounts = await withLowBalance(db, active, now);
        }
        figures.set(customer.id, f);
      }),
    );
    return reply.html(<HomePage ctx={ctx} viewer={viewer} figures={figures} />);
  });

  scope.get('/hr/my-profile', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    return reply.html(<ProfilePage ctx={ctx} viewer={viewer} />);
  });
}
