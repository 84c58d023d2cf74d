import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import type { Migration } from '../../core/db/migrator.js';
import type { CommandDefinition } from '../../core/cli/registry.js';
import type { ScheduleDefinition, TaskDefinition } from '../../core/queue/types.js';
import { videoMigrations } from '../migrations/0005_video.js';
import { videoRoutes } from '../video-routes.js';
import { CLEANUP_VIDEOS_TASK, cleanupVideosCommand, cleanupVideosTask, exportVideosCommand, importVideosCommand } from './commands.js';
import { transcodeTask } from './transcode.js';
import './player-assets.js';

/** What video and files add to the website app: tables, the transcoding and cleanup tasks, commands and the upload routes. */
export interface VideoModulePart {
  migrations: Migration[];
  tasks: TaskDefinition<any>[];
  schedules: ScheduleDefinition[];
  commands: CommandDefinition[];
  routes(app: FastifyInstance, context: AppContext): Promise<void>;
}

export function videoModulePart(context: () => AppContext): VideoModulePart {
  return {
    migrations: videoMigrations,
    tasks: [transcodeTask(context), cleanupVideosTask(context)],
    schedules: [{ task: CLEANUP_VIDEOS_TASK, everyMs: 24 * 3600_000 }],
    commands: [cleanupVideosCommand, exportVideosCommand, importVideosCommand],
    routes: videoRoutes,
  };
}
