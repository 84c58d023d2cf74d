import type { AppContext, AppModule } from '../core/app-module.js';
import { createSuperuserCommand } from './commands.js';
import { messages } from './messages.js';
import { createUsers } from './migrations/0001_users.js';
import { createCredentials } from './migrations/0002_credentials.js';
import { createTotpDevices } from './migrations/0003_totp_devices.js';
import { createRecoveryCodes } from './migrations/0004_recovery_codes.js';
import { createTokens } from './migrations/0005_tokens.js';
import { createThrottle } from './migrations/0006_throttle.js';
import { createAuditLog } from './migrations/0007_audit_log.js';
import { auditLogTimeIndex, auditLogUserIndex, credentialsUserIndex, recoveryCodesUserIndex } from './migrations/0008_indexes.js';
import { tokensFirstKeyOnly } from './migrations/0012_first_key_only.js';
import { authRoutes } from './routes/index.js';
import { deleteStaleThrottles } from './services/throttle.js';
import './models.js';

export const CLEANUP_THROTTLE_TASK = 'nadooit_auth.cleanup_throttle';

export function nadooitAuthApp(context: () => AppContext): AppModule {
  return {
    name: 'nadooit_auth',
    dependsOn: ['core'],
    migrations: [
      createUsers,
      createCredentials,
      createTotpDevices,
      createRecoveryCodes,
      createTokens,
      createThrottle,
      createAuditLog,
      credentialsUserIndex,
      recoveryCodesUserIndex,
      auditLogTimeIndex,
      auditLogUserIndex,
      tokensFirstKeyOnly,
    ],
    routes: authRoutes,
    commands: [createSuperuserCommand],
    messages,
    tasks: [
      {
        name: CLEANUP_THROTTLE_TASK,
        async handler() {
          const removed = await deleteStaleThrottles(context().db.kysely);
          if (removed) context().log.info({ removed }, 'stale login throttles removed');
        },
      },
    ],
    schedules: [{ task: CLEANUP_THROTTLE_TASK, everyMs: 60 * 60_000 }],
  };
}
