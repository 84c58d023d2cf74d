import type { Tx } from '../../core/db/transaction.js';
import { liveSessionsOfUser } from '../../core/http/sessions.js';

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
  const rows = await liveSessionsOfUser(db, userId, now);
  return rows.map((r) => ({ id: r.id, ip: r.ip, device: describeDevice(r.user_agent), createdAt: r.created_at, lastSeenAt: r.last_seen_at }));
}
