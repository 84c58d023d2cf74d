/** One admin write: who changed what, when, and the row before and after (JSON, secrets masked). */
export interface AdminAuditLogTable {
  id: string;
  created_at: string;
  actor_user_id: string | null;
  /** The actor's name at the time (kept when the user is deleted later). */
  actor_label: string;
  ip: string | null;
  /** The admin resource key, e.g. "nadooit_crm.customers". */
  resource: string;
  object_id: string;
  object_label: string;
  action: 'create' | 'update' | 'delete' | 'action';
  action_name: string | null;
  /** JSON: the action's inputs (e.g. seconds and reason of a top-up) or what a delete cascaded. */
  input: string | null;
  before: string | null;
  after: string | null;
  /** Comma-separated names of the fields that differ between before and after. */
  changed_fields: string;
}

/** A model permission of a staff member who is not a superuser (Django's per-model view/add/change/delete). */
export interface AdminPermissionsTable {
  id: string;
  user_id: string;
  resource: string;
  permission: 'view' | 'add' | 'change' | 'delete';
  granted_by: string | null;
  created_at: string;
  updated_at: string;
}

declare module '../core/db/schema.js' {
  interface Database {
    admin_audit_log: AdminAuditLogTable;
    admin_permissions: AdminPermissionsTable;
  }
}
