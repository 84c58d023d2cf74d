import type { FastifyInstance } from 'fastify';
import './assets.js';
import { actionRoutes } from './pages/actions.js';
import { browseRoutes } from './pages/browse.js';
import { editRoutes } from './pages/edit.js';
import type { AdminOptions } from './request.js';

/**
 * Mounts the generated admin under `prefix` (default /admin): index, lists, CSV export, autocomplete,
 * detail/add/change forms, delete confirmation and actions. Every route first runs the guard (staff with
 * second factor), then checks the per-model permission of the resource it touches.
 */
export async function mountAdmin(app: FastifyInstance, options: AdminOptions): Promise<void> {
  const prefix = options.prefix ?? '/admin';
  await app.register(async (scope) => {
    scope.addHook('preHandler', async (request, reply) => {
      await options.guard(request, reply);
    });
    scope.get(prefix, async (_request, reply) => reply.redirect(`${prefix}/`));
    browseRoutes(scope, options);
    editRoutes(scope, options);
    actionRoutes(scope, options);
  });
}

export type { AdminOptions } from './request.js';
