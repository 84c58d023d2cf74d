import type { Tx } from '../core/db/transaction.js';
import { PermissionDenied } from './errors.js';
import '../nadooit_auth/models.js';

/**
 * Who performs an action. Customer-side users act through their roles. `asStaff: true` is the explicit
 * staff path (admin, CLI): it is honoured only for an active staff/superuser account, or with
 * `actorUserId: null`, which means the system itself (commands, demo data) and must never come from a request.
 */
export interface Actor {
  actorUserId: string | null;
  asStaff?: boolean;
}

/** True when the actor acts with staff authority (verified); false for an ordinary user; throws on a false claim. */
export async function staffAuthority(db: Tx, actor: Actor): Promise<boolean> {
  if (!actor.asStaff) {
    if (actor.actorUserId === null) throw new PermissionDenied('Aktion ohne Benutzer ist nur für das System erlaubt.');
    return false;
  }
  if (actor.actorUserId === null) return true;
  const user = await db
    .selectFrom('users')
    .select(['is_active', 'is_staff', 'is_superuser'])
    .where('id', '=', actor.actorUserId)
    .executeTakeFirst();
  if (!user || !user.is_active || !(user.is_staff || user.is_superuser)) throw new PermissionDenied();
  return true;
}
