import type { Tx } from '../../core/db/transaction.js';
import { transaction } from '../../core/db/transaction.js';
import { recordSecurityEvent } from './audit.js';
import type { RequestOrigin } from './audit.js';
import { AuthRefused } from './errors.js';
import { revokeAllUserSessions } from '../../core/http/sessions.js';

export interface ResetActor {
  id: string;
  isSuperuser: boolean;
}

export interface AuthenticatorAppReset {
  removedApp: boolean;
  removedRecoveryCodes: number;
  endedSessions: number;
}

/**
 * A staff member lost the phone with their authenticator app: removes the app (TOTP secret) and the
 * recovery codes and ends every session, so the next staff login asks for enrolment again (or for a
 * security key, if one is registered). Superusers only, never on their own account; logged as `totp_reset`.
 */
export async function resetAuthenticatorApp(db: Tx, actor: ResetActor, userId: string, origin?: RequestOrigin): Promise<AuthenticatorAppReset> {
  if (!actor.isSuperuser) throw new AuthRefused('auth.totp_reset.superuser_only', 403);
  if (actor.id === userId) throw new AuthRefused('auth.totp_reset.own_account');
  return transaction(db, async (tx) => {
    const app = await tx.deleteFrom('auth_totp_devices').where('user_id', '=', userId).executeTakeFirst();
    const codes = await tx.deleteFrom('auth_recovery_codes').where('user_id', '=', userId).executeTakeFirst();
    const reset: AuthenticatorAppReset = {
      removedApp: Number(app.numDeletedRows) > 0,
      removedRecoveryCodes: Number(codes.numDeletedRows),
      endedSessions: 0,
    };
    if (!reset.removedApp && reset.removedRecoveryCodes === 0) throw new AuthRefused('auth.totp_reset.nothing');
    reset.endedSessions = await revokeAllUserSessions(tx, userId);
    await recordSecurityEvent(tx, {
      event: 'totp_reset',
      userId,
      actorId: actor.id,
      ip: origin?.ip ?? null,
      userAgent: origin?.userAgent ?? null,
      detail: { authenticator_app: reset.removedApp, recovery_codes: reset.removedRecoveryCodes, sessions_ended: reset.endedSessions },
    });
    return reset;
  });
}
