import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { staffAccess } from '../../core/admin/access.js';
import { forbidden } from '../../core/http/errors.js';
import { requireStaff, requireUser, userRequired } from '../../nadooit_auth/guards.js';
import { sumExecutions } from '../../nadooit_api_executions_system/services/queries.js';
import { listCustomers } from '../../nadooit_crm/services.js';
import { customersWithRole } from '../../nadooit_hr/permissions.js';
import { programsResource } from '../../nadooit_program/admin.js';
import { customerProgramsResource } from '../../nadooit_program_ownership_system/admin.js';
import { programOwnership } from '../../nadooit_program_ownership_system/ownership.js';
import { OwnershipPage } from '../views/ownership.js';
import type { OwnershipEntry } from '../views/ownership.js';
import { dashboardPage, replyNoRole } from './context.js';

/** The roles through which a customer's people see its programs (as the REST API's programs area). */
const OWNERSHIP_ROLES = ['customer_program_manager', 'customer_program_execution_manager'] as const;

/**
 * Program ownership at the original's paths: the customer overview (program and execution managers, for
 * their customers) and the staff overview (staff holding the admin's view permission on programs and
 * customer programs — the admin's and the API's rule).
 */
export async function ownershipRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  const db = context.db.kysely;

  async function entries(customerIds: 'all' | string[]): Promise<OwnershipEntry[]> {
    const owned = await programOwnership(db, customerIds);
    const licenceCustomers = [...new Set(owned.flatMap((o) => o.licences.map((l) => l.customer_id)).filter((id): id is string => id !== null))];
    const customerNames = new Map((licenceCustomers.length ? await listCustomers(db, { ids: licenceCustomers }) : []).map((c) => [c.id, c.name]));
    return Promise.all(
      owned.map(async (o) => {
        const runs = new Map(await Promise.all(o.licences.map(async (l) => [l.id, await sumExecutions(db, { customerIds, customerProgramIds: [l.id] })] as const)));
        return { ...o, runs, customerNames };
      }),
    );
  }

  await app.register(
    async (scope) => {
      scope.get('/customer_program_ownership_overview', { preHandler: userRequired }, async (request: FastifyRequest, reply) => {
        const { ctx, viewer } = await dashboardPage(request, context);
        const user = requireUser(request);
        const customerIds = [...new Set((await Promise.all(OWNERSHIP_ROLES.map((role) => customersWithRole(db, user.id, role)))).flat())];
        if (!customerIds.length) return replyNoRole(reply, ctx, viewer, ctx.t('ownership.title'));
        return reply.html(<OwnershipPage ctx={ctx} viewer={viewer} staff={false} entries={await entries(customerIds)} />);
      });

      scope.get('/admin', async (request: FastifyRequest, reply) => {
        const user = requireStaff(request);
        const access = await staffAccess(db, user);
        if (![programsResource, customerProgramsResource].every((r) => access.holds(r, 'view'))) throw forbidden();
        const { ctx, viewer } = await dashboardPage(request, context);
        return reply.html(<OwnershipPage ctx={ctx} viewer={viewer} staff={true} entries={await entries('all')} />);
      });
    },
    { prefix: '/program_ownership' },
  );
}
