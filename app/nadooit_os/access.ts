import type { FastifyRequest } from 'fastify';
import type { Tx } from '../core/db/transaction.js';
import type { CurrentUser } from '../core/http/types.js';
import { requireUser } from '../nadooit_auth/guards.js';
import { apiKeyManagerOf } from '../nadooit_api_key/services/index.js';
import type { ApiKeyManager } from '../nadooit_api_key/services/index.js';
import { roleMap } from '../nadooit_hr/permissions.js';
import type { CustomerRoles } from '../nadooit_hr/permissions.js';
import { contractsOfUser } from '../nadooit_hr/services/contracts.js';
import { employeeOfUser } from '../nadooit_hr/services/employees.js';
import type { AbilityOf, ManagerRole } from '../nadooit_hr/roles.js';

/**
 * Who is looking at the dashboard, gathered once per request: the user, their Employee row (if any), their
 * roles per customer from the permission service, and their API-key-manager role. Menus and empty states
 * use this; every action still asks the permission service for its own customer.
 */
export interface Viewer {
  user: CurrentUser;
  employeeId: string | null;
  /** Every contract of the user (active or not), oldest first. */
  contracts: Array<{ contractId: string; customerId: string; customerName: string; isActive: boolean; startDate: string }>;
  /** Roles per customer, active contracts only (the permission service's role map). */
  customers: CustomerRoles[];
  apiKeyManager: ApiKeyManager | null;
}

const viewers = new WeakMap<FastifyRequest, Promise<Viewer>>();

export function viewerOf(request: FastifyRequest, db: Tx): Promise<Viewer> {
  let viewer = viewers.get(request);
  if (!viewer) {
    const user = requireUser(request);
    viewer = (async () => {
      const employee = await employeeOfUser(db, user.id);
      return {
        user,
        employeeId: employee?.id ?? null,
        contracts: employee ? await contractsOfUser(db, user.id) : [],
        customers: employee ? await roleMap(db, user.id) : [],
        apiKeyManager: (await apiKeyManagerOf(db, user.id)) ?? null,
      };
    })();
    viewers.set(request, viewer);
  }
  return viewer;
}

/** The customers (from the viewer's role map) where the viewer holds `role` (and `ability`). For menus and lists. */
export function customersWith<R extends ManagerRole>(viewer: Viewer, role: R, ability?: AbilityOf<R>): CustomerRoles[] {
  return viewer.customers.filter((c) => {
    const abilities = c.roles[role];
    return abilities !== undefined && (ability === undefined || abilities.includes(ability));
  });
}

export function holds<R extends ManagerRole>(viewer: Viewer, role: R, ability?: AbilityOf<R>): boolean {
  return customersWith(viewer, role, ability).length > 0;
}

export function isHtmx(request: FastifyRequest): boolean {
  return request.headers['hx-request'] === 'true';
}
