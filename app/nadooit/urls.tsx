import type { FastifyInstance } from 'fastify';
import type { AppContext, AppModule } from '../core/app-module.js';

/** The route map: every app mounts its own routes; `/` is the website CMS (app/nadooit_website). */
export async function mountRoutes(app: FastifyInstance, apps: AppModule[], context: AppContext): Promise<void> {
  for (const module of apps) await module.routes?.(app, context);
}

/** The machine endpoints (bots' API) of every app, in the lean scope. */
export async function mountMachineRoutes(app: FastifyInstance, apps: AppModule[], context: AppContext): Promise<void> {
  for (const module of apps) await module.machineRoutes?.(app, context);
}
