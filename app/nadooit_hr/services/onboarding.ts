import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { createCustomer } from '../../nadooit_crm/services.js';
import type { Customer, CustomerInput } from '../../nadooit_crm/services.js';
import { staffAuthority } from '../../nadooit_auth/services/actor.js';
import type { Actor } from '../../core/actor.js';
import { PermissionDenied } from '../../core/errors.js';
import type { ManagerRole } from '../roles.js';
import { grantRole } from './grants.js';
import type { GrantResult } from './grants.js';

export interface FirstManager {
  userCode: string;
  /** Per role the abilities to give (an empty list gives the bare role). */
  roles: Partial<Record<ManagerRole, readonly string[]>>;
}

/**
 * Staff path (admin "Kunde anlegen"): creates a customer and its first managers in ONE transaction — the
 * people get an active contract and the roles, every grant logged with the staff actor.
 */
export async function createCustomerWithManagers(
  db: Tx,
  input: Actor & { customer: CustomerInput; managers?: FirstManager[] },
): Promise<{ customer: Customer; grants: GrantResult[] }> {
  return transaction(db, async (tx) => {
    if (!input.asStaff || !(await staffAuthority(tx, input))) throw new PermissionDenied();
    const customer = await createCustomer(tx, input.customer);
    const grants: GrantResult[] = [];
    for (const manager of input.managers ?? []) {
      for (const [role, abilities] of Object.entries(manager.roles) as Array<[ManagerRole, readonly string[]]>) {
        grants.push(
          await grantRole(tx, { actorUserId: input.actorUserId, asStaff: true, targetUserCode: manager.userCode, customerId: customer.id, role, abilities }),
        );
      }
    }
    return { customer, grants };
  });
}
