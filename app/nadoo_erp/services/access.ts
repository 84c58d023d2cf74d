import type { Actor } from '../../core/actor.js';
import type { Tx } from '../../core/db/transaction.js';
import { PermissionDenied } from '../../core/errors.js';
import { staffAuthority } from '../../nadooit_auth/services/actor.js';
import { customersWithRole, hasRole } from '../../nadooit_hr/permissions.js';

/**
 * ERP is governed by the customer manager role (Kundenverwalter, nadooit_hr): it is the role for running a
 * customer's business as a whole, and no other role is about goods. Any customer manager of a customer,
 * on an active contract, reads and changes its items, stock and CSV files; staff act through the admin's
 * permissions (the API and admin pass the staff path only after checking them).
 */
export const ERP_ROLE = 'customer_manager' as const;

export async function mayManageErp(db: Tx, actor: Actor, customerId: string): Promise<boolean> {
  if (await staffAuthority(db, actor)) return true;
  return actor.actorUserId !== null && hasRole(db, actor.actorUserId, customerId, ERP_ROLE);
}

export async function assertErpAccess(db: Tx, actor: Actor, customerId: string): Promise<void> {
  if (!(await mayManageErp(db, actor, customerId))) throw new PermissionDenied('Nur die Kundenverwalter dieses Kunden verwalten seine Artikel.');
}

/** The customers whose ERP the user manages (their customer-manager role on an active contract). */
export function erpCustomersOf(db: Tx, userId: string): Promise<string[]> {
  return customersWithRole(db, userId, ERP_ROLE);
}
