import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { MANAGER_ROLES } from '../../nadooit_hr/roles.js';
import { grantRole, revokeAbilities, revokeRole } from '../../nadooit_hr/services/grants.js';
import { roleHolders } from '../../nadooit_hr/services/holders.js';
import { customersWith } from '../access.js';
import type { Viewer } from '../access.js';
import { GRANT_PAGES } from '../paths.js';
import type { GrantableRole } from '../paths.js';
import { GrantPage } from '../views/grants.js';
import { customersWithRoleFor, dashboardPage } from './context.js';
import { grantFormRoutes } from './grant-form.js';
import type { GrantValues } from './grant-form.js';

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

    async function render(request: FastifyRequest, extra: { values?: GrantValues; error?: string } = {}) {
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
      return { ctx, viewer, allowed: customers.length > 0, page };
    }

    grantFormRoutes(scope, {
      path,
      titleKey: `os.grant.title.${role}`,
      render,
      async grant(request, actorUserId, values) {
        const result = await grantRole(db, { actorUserId, targetUserCode: values.user_code, customerId: values.customers, role, abilities: values.role });
        await request.flash('success', request.t('os.grant.done'));
        if (!result.contractActive) await request.flash('warning', request.t('os.grant.inactive_contract'));
      },
      async revoke({ actorUserId, employeeId, customerId, ability }) {
        const input = { actorUserId, targetEmployeeId: employeeId, customerId, role };
        // The service applies the granting rule to revocations too (403 beyond one's own authority).
        if (ability) await revokeAbilities(db, { ...input, abilities: [ability] });
        else await revokeRole(db, input);
        return ability ? 'os.grant.ability_revoked' : 'os.grant.revoked';
      },
    });
  }
}
