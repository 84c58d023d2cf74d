import type { Tx } from '../core/db/transaction.js';
import { customersWithRole } from '../nadooit_hr/permissions.js';
import type { ManagerRole } from '../nadooit_hr/roles.js';
import type { Principal } from './auth.js';

/** 'all' for staff, else the customer ids the permission service grants. */
export type CustomerScope = 'all' | string[];

/**
 * The customers whose data the caller may read through one of `roles` (any ability, active contract),
 * narrowed to the key's customer for customer-bound keys, and to `requested` when the caller filters.
 */
export async function visibleCustomers(db: Tx, principal: Principal, roles: readonly ManagerRole[], requested?: string): Promise<CustomerScope> {
  let scope: CustomerScope;
  if (principal.staff) {
    scope = 'all';
  } else {
    const ids = new Set<string>();
    for (const role of roles) for (const id of await customersWithRole(db, principal.userId, role)) ids.add(id);
    scope = [...ids];
  }
  if (principal.keyCustomerId) scope = scope === 'all' || scope.includes(principal.keyCustomerId) ? [principal.keyCustomerId] : [];
  if (requested) scope = scope === 'all' || scope.includes(requested) ? [requested] : [];
  return scope;
}

export function inScope(scope: CustomerScope, customerId: string | null): boolean {
  return customerId !== null && (scope === 'all' || scope.includes(customerId));
}

export const ROLES = {
  customers: ['employee_manager', 'customer_program_manager', 'customer_program_execution_manager', 'time_account_manager', 'customer_manager'],
  programs: ['customer_program_manager', 'customer_program_execution_manager'],
  timeAccounts: ['time_account_manager'],
  executions: ['customer_program_execution_manager'],
} as const satisfies Record<string, readonly ManagerRole[]>;
