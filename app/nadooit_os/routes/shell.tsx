import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { sumExecutions } from '../../nadooit_api_executions_system/services/queries.js';
import { listCustomers } from '../../nadooit_crm/services.js';
import { hasRole } from '../../nadooit_hr/permissions.js';
import { customerTimeAccounts } from '../../nadooit_time_account/services.js';
import { totalsOf } from '../bookings.js';
import { effectiveTimeZone, periodFor } from '../periods.js';
import { HomePage } from '../views/home.js';
import type { CustomerFigures } from '../views/home.js';
import { ProfilePage } from '../views/profile.js';
import { isLow } from '../views/time-accounts.js';
import { dashboardPage } from './context.js';

export function shellRoutes(scope: FastifyInstance, app: AppContext): void {
  const db = app.db.kysely;

  scope.get('/', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    const customers = await listCustomers(db, { ids: viewer.contracts.filter((c) => c.isActive).map((c) => c.customerId) });
    const figures = new Map<string, CustomerFigures>();
    await Promise.all(
      customers.map(async (customer) => {
        const f: CustomerFigures = {};
        if (await hasRole(db, viewer.user.id, customer.id, 'customer_program_execution_manager')) {
          const period = periodFor('thismonth', effectiveTimeZone(customer.time_zone));
          const sums = await sumExecutions(db, { customerIds: [customer.id], from: period.from!, to: period.to! });
          f.month = { ...totalsOf(sums), count: sums.count, open: sums.openPrice };
        }
        if (await hasRole(db, viewer.user.id, customer.id, 'time_account_manager')) {
          const accounts = await customerTimeAccounts(db, customer.id);
          f.balance = { seconds: accounts.reduce((sum, a) => sum + a.balanceSeconds, 0), low: accounts.some(isLow) };
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
