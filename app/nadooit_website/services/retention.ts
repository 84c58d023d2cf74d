import type { DB } from '../../core/db/connection.js';
import '../models.js';

export const DEFAULT_RETENTION_DAYS = 180;
const BATCH = 2000;

/**
 * Deletes visits and visitor sessions older than `days` (their signals, votes and seen sections go with the
 * sessions by cascade), in batches so no transaction grows large. 0 days keeps everything.
 */
export async function deleteOldVisits(db: DB, days: number, now = new Date()): Promise<{ sessions: number; visits: number }> {
  if (days <= 0) return { sessions: 0, visits: 0 };
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  let sessions = 0;
  let visits = 0;
  for (;;) {
    const ids = (await db.selectFrom('web_sessions').select('id').where('started_at', '<', cutoff).limit(BATCH).execute()).map((r) => r.id);
    if (!ids.length) break;
    await db.deleteFrom('web_sessions').where('id', 'in', ids).execute();
    sessions += ids.length;
  }
  for (;;) {
    const ids = (await db.selectFrom('web_visits').select('id').where('visit_date', '<', cutoff).limit(BATCH).execute()).map((r) => r.id);
    if (!ids.length) break;
    await db.deleteFrom('web_visits').where('id', 'in', ids).execute();
    visits += ids.length;
  }
  return { sessions, visits };
}
