import type { AppContext, AppModule } from '../core/app-module.js';
import { websiteMigrations } from './migrations/0001_website.js';
import { templateSyncMigrations } from './migrations/0002_template_sync.js';
import { pageMigrations } from './migrations/0003_pages.js';
import { experimentMigrations } from './migrations/0004_experiment.js';
import { recomputeExperiment } from './services/experiment.js';
import { templateCommands } from './commands.js';
import { websiteMessages } from './messages.js';
import { statisticsMessages } from './messages-statistics.js';
import { websiteRoutes, websiteSignalRoutes } from './routes.js';
import { DEFAULT_RETENTION_DAYS, deleteOldVisits } from './services/retention.js';
import { registerUrlName } from './template.js';
import { videoModulePart } from './video/module-part.js';
import './models.js';
import './static-mount.js';

/** URL names section templates may use with {% url '…' %} (the original's namespace `nadooit_website`). */
registerUrlName('nadooit_website:index', '/');
registerUrlName('nadooit_os:index', '/nadooit-os/');
registerUrlName('nadooit_website:impressum', '/impressum');
registerUrlName('nadooit_website:datenschutz', '/datenschutz');

/** Deletes visits and sessions older than WEBSITE_RETENTION_DAYS (hourly). */
export const DELETE_OLD_VISITS_TASK = 'nadooit_website.delete_old_visits';

/** Recomputes the experiment's traffic shares (Thompson sampling) from the sessions so far. */
export const UPDATE_EXPERIMENT_TASK = 'nadooit_website.update_experiment';
/** How often the shares are recomputed: often enough to follow the data, rarely enough to be cheap. */
export const EXPERIMENT_INTERVAL_MS = 10 * 60_000;

/** The company website: the section CMS at `/`, visitor sessions and signals, template import/export. */
export function nadooitWebsiteApp(context: () => AppContext): AppModule {
  const video = videoModulePart(context);
  return {
    name: 'nadooit_website',
    dependsOn: ['nadooit_auth'],
    migrations: [...websiteMigrations, ...templateSyncMigrations, ...pageMigrations, ...experimentMigrations, ...video.migrations],
    commands: [...templateCommands, ...video.commands],
    messages: { de: { ...websiteMessages.de, ...statisticsMessages.de }, en: { ...websiteMessages.en, ...statisticsMessages.en } },
    machineRoutes: (app, appContext) => websiteSignalRoutes(app, appContext),
    routes: async (app, appContext) => {
      await websiteRoutes(app, appContext);
      await video.routes(app, appContext);
    },
    tasks: [
      ...video.tasks,
      {
        name: DELETE_OLD_VISITS_TASK,
        async handler() {
          const { db, settings, log } = context();
          const removed = await deleteOldVisits(db.kysely, settings.websiteRetentionDays ?? DEFAULT_RETENTION_DAYS);
          log.info(removed, 'old website visits removed');
        },
      },
      {
        name: UPDATE_EXPERIMENT_TASK,
        async handler() {
          const { db, log } = context();
          const result = await recomputeExperiment(db.kysely);
          if (result) log.info({ experiment: result.experimentId, phase: result.phase, winner: result.winner, srm: result.srmMismatch }, 'experiment shares recomputed');
        },
      },
    ],
    schedules: [
      { task: DELETE_OLD_VISITS_TASK, everyMs: 60 * 60_000 },
      { task: UPDATE_EXPERIMENT_TASK, everyMs: EXPERIMENT_INTERVAL_MS },
      ...video.schedules,
    ],
  };
}
