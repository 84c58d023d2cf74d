import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { badRequest } from '../../core/http/errors.js';
import { formList, formString } from '../../core/ui/forms.js';
import { requireUser } from '../../nadooit_auth/guards.js';
import { MANAGER_ROLES } from '../../nadooit_hr/roles.js';
import { grantRole, revokeAbilities, revokeRole } from '../../nadooit_hr/services/grants.js';
import { roleHolders } from '../../nadooit_hr/services/holders.js';
import { customersWith } from '../access.js';
import type { Viewer } from '../access.js';
import { GRANT_PAGES } from '../paths.js';
import type { GrantableRole } from '../paths.js';
import { GrantPage } from '../views/grants.js';
import { customersWithRoleFor, dashboardPage, replyNoRole, submitForm } from './context.js';

/** Abilities the viewer holds in `role` for at least one customer where they may give it (the form's offer). */
function offeredAbilities(viewer: Viewer, role: GrantableRole): string[] {
  const held = new Set(customersWith(viewer, role, 'can_give_manager_role').flatMap((c) => c.roles[role] ?? []));
  return MANAGER_ROLES[role].abilities.filter((a) => held.has(a));
}

/**
 * "Schlüssel freischalten" for each contract role, rebuilt on the HR grant service: the granter's own
 * customers and abilities only (S6, D7–D9 fixed), plus revoking abilities or the whole role.
 */
export function grantRoutes(scope: FastifyInstance, app: AppContext): void {
  const db = app.db.kysely;

  for (const role of Object.keys(GRANT_PAGES) as GrantableRole[]) {
    const path = GRANT_PAGES[role];
    const relative = path.replace(/^\/nadooit-os/, '');

    async function render(request: FastifyRequest, extra: { values?: { customers: string; user_code: string; role: string[] }; error?: string } = {}) {
      const { ctx, viewer } = await dashboardPage(request, app);
      const customers = await customersWithRoleFor(request, app, role, 'can_give_manager_role');
      const holders = await Promise.all(
        customers.map(async (customer) => ({
          customer,
          holders: await roleHolders(db, customer.id, role),
          own: viewer.customers.find((c) => c.customerId === customer.id)?.roles[role] ?? [],
        })),
      );
      const page = (
        <GrantPage
          ctx={ctx}
          viewer={viewer}
          titleKey={`os.grant.title.${role}`}
          action={path}
          customers={customers}
          abilities={offeredAbilities(viewer, role)}
          holders={holders}
          {...extra}
        />
      );
      return { ctx, viewer, customers, page };
    }

    scope.get(relative, async (request, reply) => {
      const { ctx, viewer, customers, page } = await render(request);
      if (!customers.length) return replyNoRole(reply, ctx, viewer, ctx.t(`os.grant.title.${role}`));
      return reply.html(page);
    });

    scope.post(relative, async (request, reply) => {
      const values = { customers: formString(request.body, 'customers'), user_code: formString(request.body, 'user_code'), role: formList(request.body, 'role') };
      return submitForm(
        reply,
        async () => {
          const result = await grantRole(db, {
            actorUserId: requireUser(request).id,
            targetUserCode: values.user_code,
            customerId: values.customers,
            role,
            abilities: values.role,
          });
          await request.flash('success', request.t('os.grant.done'));
          if (!result.contractActive) await request.flash('warning', request.t('os.grant.inactive_contract'));
          return reply.redirect(`${path}?submitted=True`, 303);
        },
        async (error) => (await render(request, { values, error })).page,
      );
    });

    scope.post(`${relative}/revoke`, async (request, reply) => {
      const customerId = formString(request.body, 'customer_id');
      const employeeId = formString(request.body, 'employee_id');
      const ability = formString(request.body, 'ability');
      if (!customerId || !employeeId) throw badRequest('customer_id and employee_id are required');
      const input = { actorUserId: requireUser(request).id, targetEmployeeId: employeeId, customerId, role };
      // The service applies the granting rule to revocations too (403 beyond one's own authority).
      if (ability) await revokeAbilities(db, { ...input, abilities: [ability] });
      else await revokeRole(db, input);
      await request.flash('success', request.t(ability ? 'os.grant.ability_revoked' : 'os.grant.revoked'));
      return reply.redirect(`${path}#holders-${customerId}`, 303);
    });
  }
}
