import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Settings } from './config.js';
import type { Db } from './db/connection.js';
import type { Migration } from './db/migrator.js';
import type { Queue, ScheduleDefinition, TaskDefinition } from './queue/types.js';
import type { CommandDefinition } from './cli/registry.js';
import type { MessageCatalog } from './ui/i18n.js';

/** What every process (web, worker, CLI) hands to the apps. */
export interface AppContext {
  settings: Settings;
  db: Db;
  queue: Queue;
  log: Logger;
}

/**
 * One business app (Odoo-style module): its tables, routes, background tasks, CLI commands and texts.
 * app/nadooit/apps.ts lists the modules in dependency order; nothing else needs to know about them.
 */
export interface AppModule {
  name: string;
  dependsOn?: string[];
  migrations?: Migration[];
  /** Pages, forms and APIs: mounted in the page scope (sessions, CSRF, language, security headers). */
  routes?(app: FastifyInstance, context: AppContext): void | Promise<void>;
  /**
   * Machine-to-machine endpoints that authenticate every request by key (the bots' API): mounted in the
   * lean scope without the page hooks (core/http/machine-api.ts).
   */
  machineRoutes?(app: FastifyInstance, context: AppContext): void | Promise<void>;
  tasks?: TaskDefinition<any>[];
  schedules?: ScheduleDefinition[];
  commands?: CommandDefinition[];
  messages?: MessageCatalog;
}
