import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { formString } from '../../core/ui/forms.js';
import { pageContext } from '../../core/ui/page-context.js';
import { requireUser } from '../../nadooit_auth/guards.js';
import { hasRole, roleMap } from '../../nadooit_hr/permissions.js';
import { addEmployeeToCustomer, contractsOfCustomer, setContractActive } from '../../nadooit_hr/services/contracts.js';
import { isHtmx } from '../access.js';
import { paths } from '../paths.js';
import { AddEmployeePage, ContractStatus, EmployeeOverviewPage } from '../views/hr.js';
import type { EmployeeRow } from '../views/hr.js';
import { customersWithRoleFor, dashboardPage, replyNoRole, submitForm, uuidParam } from './context.js';

const ROLE = 'employee_manager' as const;

/** "HR": employee overview per customer, adding employees by user code, (de)activating contracts. */
export function hrRoutes(scope: FastifyInstance, app: AppContext): void {
  const db = app.db.kysely;

  scope.get('/hr/employee-overview', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    const customers = await customersWithRoleFor(request, app, ROLE);
    if (!customers.length) return replyNoRole(reply, ctx, viewer, ctx.t('os.hr.overview.title'));
    const groups = await Promise.all(
      customers.map(async (customer) => {
        const contracts = await contractsOfCustomer(db, customer.id, { includeStaff: viewer.user.isStaff });
        const rows: EmployeeRow[] = await Promise.all(
          contracts.map(async (contract) => {
            const roles = (await roleMap(db, contract.userId)).find((r) => r.customerId === customer.id)?.roles ?? {};
            return { ...contract, roles: Object.keys(roles) };
          }),
        );
        // The buttons follow the ability for THIS customer (the original used any customer's).
        const canToggle = await hasRole(db, viewer.user.id, customer.id, ROLE, 'can_delete_employee');
        return { customer, rows, canToggle };
      }),
    );
    return reply.html(<EmployeeOverviewPage ctx={ctx} viewer={viewer} groups={groups} />);
  });

  async function renderAdd(request: FastifyRequest, extra: { values?: Record<string, string>; error?: string } = {}) {
    const { ctx, viewer } = await dashboardPage(request, app);
    const customers = await customersWithRoleFor(request, app, ROLE, 'can_add_new_employee');
    return { ctx, viewer, customers, page: <AddEmployeePage ctx={ctx} viewer={viewer} customers={customers} {...extra} /> };
  }

  scope.get('/hr/add-employee', async (request, reply) => {
    const { ctx, viewer, customers, page } = await renderAdd(request);
    if (!customers.length) return replyNoRole(reply, ctx, viewer, ctx.t('os.hr.add.title'));
    return reply.html(page);
  });

  scope.post('/hr/add-employee', async (request, reply) => {
    const values = { customers: formString(request.body, 'customers'), user_code: formString(request.body, 'user_code') };
    return submitForm(
      reply,
      async () => {
        // The service checks can_add_new_employee for the chosen customer and resolves the user code.
        const { outcome } = await addEmployeeToCustomer(db, { actorUserId: requireUser(request).id, userCode: values.user_code, customerId: values.customers });
        const text = outcome === 'created' ? 'os.hr.add.done' : outcome === 'reactivated' ? 'os.hr.add.reactivated' : 'os.hr.add.exists';
        await request.flash(outcome === 'exists' ? 'info' : 'success', request.t(text));
        return reply.redirect(`${paths.addEmployee}?submitted=True`, 303);
      },
      async (error) => (await renderAdd(request, { values, error })).page,
    );
  });

  for (const [path, active] of [['/hr/deactivate-contract/:contractId', false], ['/hr/activate-contract/:contractId', true]] as const) {
    scope.post(path, async (request, reply) => {
      // The service checks can_delete_employee for the contract's own customer (S5 fixed); 404 for unknown ids.
      const contract = await setContractActive(db, { actorUserId: requireUser(request).id, contractId: uuidParam(request, 'contractId'), active });
      if (isHtmx(request)) {
        const ctx = await pageContext(request);
        return reply.html(<ContractStatus ctx={ctx} contract={{ contractId: contract.id, isActive: contract.is_active }} canToggle />);
      }
      await request.flash('success', request.t(active ? 'os.hr.activated' : 'os.hr.deactivated'));
      return reply.redirect(`${paths.employees}#employees-${contract.customer_id}`, 303);
    });
  }
}
