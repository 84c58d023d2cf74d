import type { Tx } from '../../core/db/transaction.js';

export interface UserSession {
  id: string;
  ip: string | null;
  device: string;
  createdAt: string;
  lastSeenAt: string;
}

/** "Firefox on Windows" — enough to recognise a device; the raw string is not shown. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return '?';
  const browser =
    /Edg\//.test(userAgent) ? 'Edge'
    : /OPR\//.test(userAgent) ? 'Opera'
    : /Firefox\//.test(userAgent) ? 'Firefox'
    : /Chrom(e|ium)\//.test(userAgent) ? 'Chrome'
    : /Safari\//.test(userAgent) ? 'Safari'
    : /curl|wget|python|node/i.test(userAgent) ? 'Script'
    : 'Browser';
  const system =
    /Android/.test(userAgent) ? 'Android'
    : /iPhone|iPad|iPod/.test(userAgent) ? 'iOS'
    : /Windows/.test(userAgent) ? 'Windows'
    : /Mac OS X|Macintosh/.test(userAgent) ? 'macOS'
    : /Linux/.test(userAgent) ? 'Linux'
    : '';
  return system ? `${browser} · ${system}` : browser;
}

export async function listUserSessions(db: Tx, userId: string, now = new Date()): Promise<UserSession[]> {
  const rows = await db
    .selectFrom('core_sessions')
    .select(['id', 'ip', 'user_agent', 'created_at', 'last_seen_at'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', now.toISOString())
    .orderBy('last_seen_at', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, ip: r.ip, device: describeDevice(r.user_agent), createdAt: r.created_at, lastSeenAt: r.last_seen_at }));
}

/** Deletes one of the user's sessions; the next request with that cookie is anonymous. */
export async function revokeUserSession(db: Tx, userId: string, sessionId: string): Promise<boolean> {
  const result = await db.deleteFrom('core_sessions').where('id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Signs a person out everywhere (optionally keeping one session, e.g. the current one). */
export async function revokeAllUserSessions(db: Tx, userId: string, keepSessionId?: string): Promise<number> {
  let query = db.deleteFrom('core_sessions').where('user_id', '=', userId);
  if (keepSessionId) query = query.where('id', '!=', keepSessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
