import { randomUUID } from 'node:crypto';
import type { AdminBackend, AuditEntry, RecentEntry } from '../core/admin/access.js';
import { changedFields } from '../core/admin/records.js';
import type { DB } from '../core/db/connection.js';
import type { Tx } from '../core/db/transaction.js';
import './models.js';

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** Writes one audit entry (inside the caller's transaction). */
export async function writeAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx
    .insertInto('admin_audit_log')
    .values({
      id: randomUUID(),
      created_at: new Date().toISOString(),
      actor_user_id: entry.actor.id,
      actor_label: entry.actor.displayName || entry.actor.userCode,
      ip: entry.ip,
      resource: entry.resource,
      object_id: entry.objectId,
      object_label: entry.objectLabel.slice(0, 500),
      action: entry.action,
      action_name: entry.actionName ?? null,
      input: json(entry.input),
      before: json(entry.before),
      after: json(entry.after),
      changed_fields: changedFields(entry.before, entry.after).join(','),
    })
    .execute();
}

/** The model permissions granted to a staff member (the grant source core's `staffAccess` reads). */
export async function grantsOf(db: DB, userId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('admin_permissions').select(['resource', 'permission']).where('user_id', '=', userId).execute();
  return new Set(rows.map((r) => `${r.resource}:${r.permission}`));
}

export async function recentOf(db: DB, userId: string, limit: number): Promise<RecentEntry[]> {
  const rows = await db
    .selectFrom('admin_audit_log')
    .select(['created_at', 'resource', 'object_id', 'object_label', 'action', 'action_name'])
    .where('actor_user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    createdAt: r.created_at,
    resource: r.resource,
    objectId: r.object_id,
    objectLabel: r.object_label,
    action: r.action,
    actionName: r.action_name,
  }));
}

export const adminBackend: AdminBackend = { audit: writeAudit, recent: recentOf };
