import { randomUUID } from 'node:crypto';
import type { Tx } from '../../core/db/transaction.js';
import type { AuthAuditLogTable } from '../models.js';

export const SECURITY_EVENTS = [
  'login',
  'login_failed',
  'lockout',
  'logout',
  'key_added',
  'key_removed',
  'key_disabled',
  'key_enabled',
  'key_renamed',
  'key_counter_mismatch',
  'session_revoked',
  'totp_enrolled',
  'totp_reset',
  'recovery_code_used',
  'recovery_codes_regenerated',
  'user_created',
  'user_renamed',
  'enrolment_link_created',
  'enrolment_token_invalid',
  'setup_completed',
  'superuser_created',
  'key_manager_appointed',
  'key_manager_updated',
  'key_manager_removed',
  'api_keys_revoked_all',
] as const;
export type SecurityEvent = (typeof SECURITY_EVENTS)[number];

export interface SecurityEventInput {
  event: SecurityEvent;
  userId?: string | null;
  actorId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  detail?: Record<string, unknown>;
}

/** Who and from where, as taken from a request (kept HTTP-free: routes pass these in). */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

export async function recordSecurityEvent(db: Tx, input: SecurityEventInput): Promise<void> {
  await db
    .insertInto('auth_audit_log')
    .values({
      id: randomUUID(),
      created_at: new Date().toISOString(),
      event: input.event,
      user_id: input.userId ?? null,
      actor_id: input.actorId ?? null,
      ip: input.ip ?? null,
      user_agent: input.userAgent?.slice(0, 400) ?? null,
      detail: input.detail ? JSON.stringify(input.detail) : null,
    })
    .execute();
}

export interface SecurityEventFilter {
  userId?: string;
  event?: SecurityEvent;
  /** Keyset paging: only entries older than this timestamp. */
  before?: string;
  limit?: number;
}

export type SecurityEventRow = AuthAuditLogTable;

/** Newest first; for the admin's audit view and a person's own history. */
export async function listSecurityEvents(db: Tx, filter: SecurityEventFilter = {}): Promise<SecurityEventRow[]> {
  let query = db.selectFrom('auth_audit_log').selectAll();
  if (filter.userId) query = query.where('user_id', '=', filter.userId);
  if (filter.event) query = query.where('event', '=', filter.event);
  if (filter.before) query = query.where('created_at', '<', filter.before);
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(filter.limit ?? 50, 1), 500))
    .execute();
}

/** The events a person sees about their own keys on /auth/keys: who made enrolment links and changed keys. */
export const KEY_HISTORY_EVENTS = ['enrolment_link_created', 'key_added', 'key_removed', 'key_disabled', 'key_enabled'] as const satisfies readonly SecurityEvent[];
export type KeyHistoryEvent = (typeof KEY_HISTORY_EVENTS)[number];

export interface KeyHistoryEntry {
  id: string;
  event: KeyHistoryEvent;
  createdAt: string;
  /** Who did it when that was someone else (a key manager, staff); null when the person did it or the system. */
  actorId: string | null;
  actorName: string | null;
  detail: Record<string, unknown>;
}

function parseDetail(detail: string | null): Record<string, unknown> {
  if (!detail) return {};
  try {
    const parsed: unknown = JSON.parse(detail);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A person's key history, newest first (every enrolment link and every key added through one included). */
export async function keyHistoryOf(db: Tx, userId: string, limit = 20): Promise<KeyHistoryEntry[]> {
  const rows = await db
    .selectFrom('auth_audit_log as l')
    .leftJoin('users as a', 'a.id', 'l.actor_id')
    .where('l.user_id', '=', userId)
    .where('l.event', 'in', [...KEY_HISTORY_EVENTS])
    .select(['l.id', 'l.event', 'l.created_at', 'l.actor_id', 'l.detail', 'a.display_name', 'a.username', 'a.user_code'])
    .orderBy('l.created_at', 'desc')
    .orderBy('l.id', 'desc')
    .limit(Math.min(Math.max(limit, 1), 200))
    .execute();
  return rows.map((row) => {
    const actorId = row.actor_id === userId ? null : row.actor_id;
    return {
      id: row.id,
      event: row.event as KeyHistoryEvent,
      createdAt: row.created_at,
      actorId,
      actorName: actorId ? row.display_name?.trim() || row.username || row.user_code || null : null,
      detail: parseDetail(row.detail),
    };
  });
}
