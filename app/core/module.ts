import type { AppModule } from './app-module.js';
import { sessionIndexes, sessions } from './migrations/0001_sessions.js';
import { jobIndexes, jobs } from './migrations/0003_jobs.js';
import { deleteExpiredSessions } from './http/sessions.js';
import { coreMessages } from './ui/messages.js';
import type { AppContext } from './app-module.js';

export const CLEANUP_SESSIONS_TASK = 'core.cleanup_expired_sessions';

/** The platform's own tables and housekeeping, registered like any app (always first). */
export function coreModule(context: () => AppContext): AppModule {
  return {
    name: 'core',
    migrations: [sessions, sessionIndexes, jobs, jobIndexes],
    messages: coreMessages,
    tasks: [
      {
        name: CLEANUP_SESSIONS_TASK,
        async handler() {
          const { db, settings, log } = context();
          const removed = await deleteExpiredSessions(db.kysely, settings);
          log.info({ removed }, 'expired sessions removed');
        },
      },
    ],
    schedules: [{ task: CLEANUP_SESSIONS_TASK, everyMs: 15 * 60_000 }],
  };
}
