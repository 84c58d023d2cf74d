import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../core/http/server.js';
import { startWorker } from '../core/queue/index.js';
import type { Worker } from '../core/queue/types.js';
import { allTasks } from './bootstrap.js';
import type { System } from './bootstrap.js';
import { mountMachineRoutes, mountRoutes } from './urls.js';
import { publicBaseUrl } from '../core/http/public-url.js';

/** The web app with every installed app's routes (used by `npm start` and by tests via inject()). */
export async function buildApp(system: System, extraRoutes?: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = await createHttpServer(system.context, {
    machine: (scope) => mountMachineRoutes(scope, system.apps, system.context),
    pages: async (scope) => {
      await mountRoutes(scope, system.apps, system.context);
      extraRoutes?.(scope);
    },
  });
  await app.ready();
  return app;
}

/** Starts listening (and the in-process worker when configured); SIGTERM/SIGINT shut down gracefully. */
export async function serve(system: System): Promise<{ app: FastifyInstance; stop(): Promise<void> }> {
  const { settings, log } = system.context;
  const app = await buildApp(system);
  let worker: Worker | null = null;
  if (settings.workerInProcess) {
    worker = await startWorker(system.context.queue, allTasks(system.apps), system.apps.flatMap((a) => a.schedules ?? []), { log });
    log.info({ driver: system.context.queue.driver }, 'in-process worker started');
  }
  await app.listen({ host: settings.host, port: settings.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  log.info(`NADOO-IT listening on ${settings.host}:${port} (${system.context.db.description}); open ${publicBaseUrl(settings, port)}/`);

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('shutting down: no new requests, finishing running ones');
      await app.close();
      await worker?.stop();
      await system.close();
      log.info('shutdown complete');
    })());
  return { app, stop };
}
