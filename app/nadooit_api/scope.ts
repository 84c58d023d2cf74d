import { actionOf } from '../core/admin/access.js';
import type { AdminAction, AdminResource, Permission } from '../core/admin/types.js';
import type { Tx } from '../core/db/transaction.js';
import { commentsResource, complaintsResource, eventsResource } from '../nadoo_complaint_management/admin.js';
import { executionsResource, statusChangesResource } from '../nadooit_api_executions_system/admin.js';
import { customersResource } from '../nadooit_crm/admin.js';
import { itemsResource } from '../nadoo_erp/admin.js';
import { ERP_ROLE } from '../nadoo_erp/services/access.js';
import { customersWithRole } from '../nadooit_hr/permissions.js';
import type { ManagerRole } from '../nadooit_hr/roles.js';
import { programsResource } from '../nadooit_program/admin.js';
import { customerProgramsResource } from '../nadooit_program_ownership_system/admin.js';
import { ledgerEntriesResource, timeAccountsResource } from '../nadooit_time_account/admin.js';
import type { ComplaintStatus } from '../nadoo_complaint_management/models.js';
import type { Principal } from './auth.js';

/** 'all' for staff holding the admin's view permission, else the customer ids the permission service grants. */
export type CustomerScope = 'all' | string[];

/**
 * What an endpoint answers with: the admin models its rows come from (staff read them across all customers
 * only with the admin's view permission on every one of them), and the manager roles through which a
 * customer's people see them for their own customers.
 */
export interface Area {
  models: readonly AdminResource[];
  roles: readonly ManagerRole[];
}

const EXECUTION_ROLES: readonly ManagerRole[] = ['customer_program_execution_manager'];
const TIME_ACCOUNT_ROLES: readonly ManagerRole[] = ['time_account_manager'];
const PROGRAM_ROLES: readonly ManagerRole[] = ['customer_program_manager', 'customer_program_execution_manager'];

export const AREAS = {
  customers: {
    models: [customersResource],
    roles: ['employee_manager', 'customer_program_manager', 'customer_program_execution_manager', 'time_account_manager', 'customer_manager'],
  },
  programs: { models: [programsResource], roles: PROGRAM_ROLES },
  customerPrograms: { models: [customerProgramsResource], roles: PROGRAM_ROLES },
  timeAccounts: { models: [timeAccountsResource], roles: TIME_ACCOUNT_ROLES },
  ledger: { models: [ledgerEntriesResource], roles: TIME_ACCOUNT_ROLES },
  executions: { models: [executionsResource], roles: EXECUTION_ROLES },
  /** Nested in a booking (like the admin's inline): its payment-status history. */
  statusHistory: { models: [statusChangesResource], roles: EXECUTION_ROLES },
  complaints: { models: [complaintsResource], roles: EXECUTION_ROLES },
  /** Nested in a complaint (the admin's two inlines, as one list): its status events and comments. */
  complaintHistory: { models: [eventsResource, commentsResource], roles: EXECUTION_ROLES },
  /** A customer's articles, stock and alerts (nadoo_erp/services/access.ts: the customer managers). */
  erp: { models: [itemsResource], roles: [ERP_ROLE] },
} as const satisfies Record<string, Area>;

/** A staff operation of the API that is an admin action: it needs exactly what the admin's button needs. */
export interface StaffAction {
  resource: AdminResource;
  action: AdminAction;
}

const adminAction = (resource: AdminResource, name: string): StaffAction => ({ resource, action: actionOf(resource, name) });

export const STAFF_ACTIONS = {
  /** Zeitkonten › Aufladen */
  topUp: adminAction(timeAccountsResource, 'top_up'),
  /** Ausführungen › Zahlungsstatus setzen (also what revoking a booking is on the staff path) */
  setPaymentStatus: adminAction(executionsResource, 'set_payment_status'),
  /** Reklamationen › Kommentieren */
  comment: adminAction(complaintsResource, 'comment'),
} as const;

/** Reklamationen › In Bearbeitung nehmen / Annehmen / Ablehnen, by the status the complaint moves to. */
export const COMPLAINT_DECISIONS: Record<Exclude<ComplaintStatus, 'OPEN'>, StaffAction> = {
  IN_PROGRESS: adminAction(complaintsResource, 'start'),
  ACCEPTED: adminAction(complaintsResource, 'accept'),
  REJECTED: adminAction(complaintsResource, 'reject'),
};

/**
 * The admin's rule (core/admin Access), asked for the API: does the caller hold `permission` on every one of
 * `models`? False for anyone without staff authority, whatever their flags say.
 */
export function staffMay(principal: Principal, models: readonly AdminResource[], permission: Permission = 'view'): boolean {
  const access = principal.staff;
  return access !== null && models.every((model) => access.holds(model, permission));
}

/** May the caller run this admin action (same permission, same superuser-only rule as the admin)? */
export function staffMayRun(principal: Principal, { resource, action }: StaffAction): boolean {
  return principal.staff?.canRun(resource, action) ?? false;
}

/**
 * The customers whose data of `area` the caller may read: all of them for staff holding the admin's view
 * permission on the area's models, otherwise those where the caller holds one of the area's roles (any
 * ability, active contract) — staff without the permission keep the roles they hold as a person. Narrowed
 * to the key's customer for customer-bound keys, and to `requested` when the caller filters.
 */
export async function visibleCustomers(db: Tx, principal: Principal, area: Area, requested?: string): Promise<CustomerScope> {
  let scope: CustomerScope;
  if (staffMay(principal, area.models)) {
    scope = 'all';
  } else {
    const ids = new Set<string>();
    for (const role of area.roles) for (const id of await customersWithRole(db, principal.userId, role)) ids.add(id);
    scope = [...ids];
  }
  if (principal.keyCustomerId) scope = scope === 'all' || scope.includes(principal.keyCustomerId) ? [principal.keyCustomerId] : [];
  if (requested) scope = scope === 'all' || scope.includes(requested) ? [requested] : [];
  return scope;
}

export function inScope(scope: CustomerScope, customerId: string | null): boolean {
  return customerId !== null && (scope === 'all' || scope.includes(customerId));
}

/**
 * Whether the caller sees `area`'s rows of `customerId`: what decides whether a nested part of an answer
 * (a booking's history, a complaint's booking) is included, as the admin shows an inline only to those
 * who may view its model. Not included means `null`, never a shortened list.
 */
export async function sees(db: Tx, principal: Principal, area: Area, customerId: string | null): Promise<boolean> {
  return inScope(await visibleCustomers(db, principal, area), customerId);
}
