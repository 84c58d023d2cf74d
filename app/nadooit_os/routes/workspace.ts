import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { userRequired } from '../../nadooit_auth/guards.js';
import { BASE } from '../paths.js';
import { ownershipRoutes } from './ownership.js';
import { processRoutes } from './processes.js';
import { workTimeRoutes } from './work-time.js';

/**
 * The pages of issue 15 on top of the dashboard: process definitions and work time under /nadooit-os
 * (behind the same login gate as every dashboard page), program ownership at the original's paths.
 */
export async function workspaceRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  await app.register(
    async (scope) => {
      scope.addHook('preHandler', userRequired);
      processRoutes(scope, context);
      workTimeRoutes(scope, context);
    },
    { prefix: BASE },
  );
  await ownershipRoutes(app, context);
}
