import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import type { Migration } from '../../core/db/migrator.js';
import type { TaskDefinition } from '../../core/queue/types.js';
import { videoMigrations } from '../migrations/0005_video.js';
import { videoRoutes } from '../video-routes.js';
import { transcodeTask } from './transcode.js';
import './player-assets.js';

/** What video and files add to the website app: tables, the transcoding task and the upload routes. */
export interface VideoModulePart {
  migrations: Migration[];
  tasks: TaskDefinition<any>[];
  routes(app: FastifyInstance, context: AppContext): Promise<void>;
}

export function videoModulePart(context: () => AppContext): VideoModulePart {
  return { migrations: videoMigrations, tasks: [transcodeTask(context)], routes: videoRoutes };
}
