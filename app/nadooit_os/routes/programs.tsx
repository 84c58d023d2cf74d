import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { notFound } from '../../core/http/errors.js';
import { requireUser } from '../../nadooit_auth/guards.js';
import { listComplaints } from '../../nadoo_complaint_management/services.js';
import { executionById } from '../../nadooit_api_executions_system/services/booking.js';
import { listExecutions } from '../../nadooit_api_executions_system/services/queries.js';
import { getCustomer } from '../../nadooit_crm/services.js';
import { assertRole, hasRole } from '../../nadooit_hr/permissions.js';
import { getProgram } from '../../nadooit_program/services.js';
import { customerProgramsOf, getCustomerProgram, updateCustomerProgram } from '../../nadooit_program_ownership_system/services.js';
import { paths } from '../paths.js';
import { priceInfo } from '../pricing.js';
import { ProgramProfilePage, ProgramsPage } from '../views/programs.js';
import { customersWithRoleFor, dashboardPage, replyNoRole, uuidParam } from './context.js';

const ROLE = 'customer_program_manager' as const;
const PROFILE_EXECUTIONS = 20;

/** "Programme": the customer programs with their prices, a profile per program, (de)activation. */
export function programRoutes(scope: FastifyInstance, app: AppContext): void {
  const db = app.db.kysely;

  scope.get('/customer-program/customer-program-overview', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    // Every customer where the viewer is a program manager (the original showed only those with can_give, D11).
    const customers = await customersWithRoleFor(request, app, ROLE);
    if (!customers.length) return replyNoRole(reply, ctx, viewer, ctx.t('os.programs.title'));
    const groups = await Promise.all(
      customers.map(async (customer) => {
        const programs = await customerProgramsOf(db, customer.id);
        return { customer, entries: await Promise.all(programs.map(async (program) => ({ program, price: await priceInfo(db, program) }))) };
      }),
    );
    return reply.html(<ProgramsPage ctx={ctx} viewer={viewer} groups={groups} />);
  });

  /** The customer program in the path after the role check for its customer (404 unknown, 403 not yours). */
  async function programFor(request: FastifyRequest) {
    const program = await getCustomerProgram(db, uuidParam(request, 'programId'));
    if (!program?.customer_id) throw notFound();
    await assertRole(db, requireUser(request).id, program.customer_id, ROLE);
    return { program, customerId: program.customer_id };
  }

  /** Complaints about this program's bookings, for viewers who may see complaints (execution managers). */
  async function complaintsOf(userId: string, customerId: string, customerProgramId: string) {
    if (!(await hasRole(db, userId, customerId, 'customer_program_execution_manager'))) return null;
    const complaints = await listComplaints(db, { actorUserId: userId, customerId, limit: 100 });
    const executions = await Promise.all(complaints.map((c) => (c.execution_id ? executionById(db, c.execution_id) : undefined)));
    return complaints.filter((_, i) => executions[i]?.customer_program_id === customerProgramId);
  }

  const profile = async (request: FastifyRequest) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    const { program, customerId } = await programFor(request);
    const user = requireUser(request);
    const [customer, base, views, page, complaints, mayDeactivate, mayActivate] = await Promise.all([
      getCustomer(db, customerId),
      program.program_id ? getProgram(db, program.program_id) : undefined,
      customerProgramsOf(db, customerId),
      listExecutions(db, { customerIds: [customerId], customerProgramIds: [program.id] }, { limit: PROFILE_EXECUTIONS }),
      complaintsOf(user.id, customerId, program.id),
      hasRole(db, user.id, customerId, ROLE, 'can_delete_customer_program'),
      hasRole(db, user.id, customerId, ROLE, 'can_create_customer_program'),
    ]);
    const view = views.find((v) => v.id === program.id)!;
    return (
      <ProgramProfilePage
        ctx={ctx}
        viewer={viewer}
        customer={customer!}
        entry={{ program: view, price: await priceInfo(db, program) }}
        description={base?.description ?? null}
        executions={page.items}
        complaints={complaints}
        may={{ deactivate: mayDeactivate, activate: mayActivate }}
      />
    );
  };
  // GET as a page; POST as the original's fragment request (which had no other effect).
  scope.get('/customer-program/customer-program-profile/:programId', async (request, reply) => reply.html(await profile(request)));
  scope.post('/customer-program/customer-program-profile/:programId', async (request, reply) => reply.html(await profile(request)));

  for (const action of ['deactivate', 'activate'] as const) {
    scope.post(`/customer-program/customer-program-profile/:programId/${action}`, async (request, reply) => {
      const { program } = await programFor(request);
      // The service checks can_delete_customer_program / can_create_customer_program for the customer.
      await updateCustomerProgram(db, { actorUserId: requireUser(request).id, id: program.id, patch: { isActive: action === 'activate' } });
      await request.flash('success', request.t(`os.programs.${action}d`));
      return reply.redirect(paths.program(program.id), 303);
    });
  }
}
