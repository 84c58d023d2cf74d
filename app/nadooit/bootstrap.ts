import type { Logger } from 'pino';
import type { AppContext, AppModule } from '../core/app-module.js';
import type { Settings } from '../core/config.js';
import { openDatabase } from '../core/db/connection.js';
import type { Db, DatabaseTarget } from '../core/db/connection.js';
import { migrate } from '../core/db/migrator.js';
import type { AppMigrations } from '../core/db/migrator.js';
import { createQueue } from '../core/queue/index.js';
import type { TaskDefinition } from '../core/queue/types.js';
import { registerMessages } from '../core/ui/i18n.js';
import { checkAppOrder, installedApps } from './apps.js';
import { createLogger } from './logger.js';

/** A running set of shared resources: settings, database, queue, logger and the installed apps. */
export interface System {
  context: AppContext;
  apps: AppModule[];
  close(): Promise<void>;
}

export interface BootstrapOptions {
  migrate?: boolean;
  queueDriver?: 'db' | 'redis' | 'inline';
  database?: DatabaseTarget;
  logger?: Logger;
}

export function appMigrations(apps: AppModule[]): AppMigrations[] {
  return apps.filter((a) => a.migrations?.length).map((a) => ({ app: a.name, migrations: a.migrations! }));
}

export function allTasks(apps: AppModule[]): TaskDefinition<any>[] {
  return apps.flatMap((a) => a.tasks ?? []);
}

/** Read caches of other processes learn of this one's writes over Redis (core/db/invalidation.ts); without it, their 1 s lifetime is the bound. */
async function crossProcessInvalidation(db: Db, url: string, log: Logger) {
  const { startInvalidation } = await import('../core/db/invalidation.js');
  return startInvalidation(db.kysely, url, log.child({ component: 'invalidation' })).catch((error: unknown) => {
    log.warn({ err: error }, 'cache invalidation over Redis not available: other processes notice changes within 1 s');
    return null;
  });
}

export async function bootstrap(settings: Settings, options: BootstrapOptions = {}): Promise<System> {
  const log = options.logger ?? createLogger(settings);
  let context: AppContext | null = null;
  const apps = installedApps(() => {
    if (!context) throw new Error('context used before bootstrap finished');
    return context;
  });
  checkAppOrder(apps);
  for (const app of apps) if (app.messages) registerMessages(app.messages);

  const db: Db = await openDatabase(options.database ?? settings.database);
  try {
    if (options.migrate) {
      const applied = await migrate(db, appMigrations(apps));
      if (applied.length) {
        const byApp = [...new Set(applied.map((key) => key.split('.')[0]))];
        log.info({ apps: byApp.join(', ') }, `${applied.length} migrations applied`);
      }
    }
    const queue = await createQueue(settings, db, allTasks(apps), options.queueDriver, { log: log.child({ component: 'queue' }) });
    const invalidation = settings.redisUrl ? await crossProcessInvalidation(db, settings.redisUrl, log) : null;
    context = { settings, db, queue, log };
    const ready = context;
    return {
      context: ready,
      apps,
      async close() {
        await invalidation?.close();
        await ready.queue.close();
        await ready.db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
