import type { Actor } from '../../core/actor.js';
import type { Tx } from '../../core/db/transaction.js';
import { PermissionDenied } from '../../core/errors.js';
import { findUserById } from './users.js';

/** True when the actor acts with staff authority (verified); false for an ordinary user; throws on a false claim. */
export async function staffAuthority(db: Tx, actor: Actor): Promise<boolean> {
  if (!actor.asStaff) {
    if (actor.actorUserId === null) throw new PermissionDenied('Aktion ohne Benutzer ist nur für das System erlaubt.');
    return false;
  }
  if (actor.actorUserId === null) return true;
  const user = await findUserById(db, actor.actorUserId);
  if (!user || !user.is_active || !(user.is_staff || user.is_superuser)) throw new PermissionDenied();
  return true;
}
