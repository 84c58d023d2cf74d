import type { Transaction } from 'kysely';
import type { DB } from '../db/connection.js';
import type { Database } from '../db/schema.js';
import type { CurrentUser } from '../http/types.js';
import { allows, resourceKey } from './site.js';
import type { AdminAction, AdminResource, Permission, Row } from './types.js';

export type AuditAction = 'create' | 'update' | 'delete' | 'action';

/** One admin write, recorded in the same transaction as the write itself. */
export interface AuditEntry {
  actor: CurrentUser;
  ip: string | null;
  resource: string;
  objectId: string;
  objectLabel: string;
  action: AuditAction;
  /** The bulk/object action's name for action entries. */
  actionName?: string;
  /** Extra input of the action (e.g. the seconds and reason of a top-up). */
  input?: Row;
  before: Row | null;
  after: Row | null;
}

export interface RecentEntry {
  createdAt: string;
  resource: string;
  objectId: string;
  objectLabel: string;
  action: AuditAction;
  actionName: string | null;
}

/**
 * What the generic admin needs from the app that mounts it (app/nadooit_admin): where the audit log goes.
 * Core knows neither the audit table nor the grants table (the grants come through `useGrantSource`).
 */
export interface AdminBackend {
  audit(tx: Transaction<Database>, entry: AuditEntry): Promise<void>;
  recent(db: DB, userId: string, limit: number): Promise<RecentEntry[]>;
}

/** The model permissions of a staff user who is not a superuser, as "app.resource:permission". */
export type GrantSource = (db: DB, userId: string) => Promise<Set<string>>;

/** Until the app owning the grants table provides its source (or when it is not installed), nobody holds a grant. */
let grantSource: GrantSource = async () => new Set();

/**
 * The app that owns the grants table (nadooit_admin) hands its reader to core once, when it is set up.
 * Apps below it (the REST API) cannot import it, so they ask core: one reader, one rule for every transport.
 */
export function useGrantSource(source: GrantSource): void {
  grantSource = source;
}

/** Who an Access is for: only the superuser flag decides beyond the grants. */
export type StaffIdentity = Pick<CurrentUser, 'id' | 'isSuperuser'>;

/**
 * The permissions of one staff member (already known to be active staff with the authentication the caller
 * demands), as the admin and the REST API both check them: superusers everything, others their grants.
 */
export async function staffAccess(db: DB, user: StaffIdentity): Promise<Access> {
  return new Access(user, user.isSuperuser ? new Set<string>() : await grantSource(db, user.id));
}

/**
 * One request's permissions. Superusers may do everything; other staff only what was granted per model,
 * where any of add/change/delete also lets them view (as in Django). Operations a resource switches off
 * (`allow`) are off for everyone, and `superuserOnly` resources are invisible to others.
 */
export class Access {
  constructor(
    readonly user: StaffIdentity,
    private readonly granted: Set<string>,
  ) {}

  can(resource: AdminResource, permission: Permission): boolean {
    if (permission !== 'view' && !allows(resource, permission)) return false;
    return this.holds(resource, permission);
  }

  /** The permission itself, even where the generic form is switched off (actions still need it). */
  holds(resource: AdminResource, permission: Permission): boolean {
    if (this.user.isSuperuser) return true;
    if (resource.superuserOnly) return false;
    const key = resourceKey(resource);
    if (permission === 'view') return ['view', 'add', 'change', 'delete'].some((p) => this.granted.has(`${key}:${p}`));
    return this.granted.has(`${key}:${permission}`);
  }

  canRun(resource: AdminResource, action: AdminAction): boolean {
    return (!action.superuserOnly || this.user.isSuperuser) && this.holds(resource, action.permission);
  }
}

/** The action a resource declares under `name`; a missing one is a programming error. */
export function actionOf(resource: AdminResource, name: string): AdminAction {
  const action = resource.actions?.find((a) => a.name === name);
  if (!action) throw new Error(`admin: ${resourceKey(resource)} has no action ${name}`);
  return action;
}
