import type { Settings } from '../core/config.js';
import { startWorker } from '../core/queue/index.js';
import { allTasks, bootstrap } from './bootstrap.js';

/** `npm run worker`: processes background jobs of every app until SIGTERM, then finishes running jobs. */
export async function runWorkerProcess(settings: Settings, untilSignal: () => Promise<unknown>): Promise<number> {
  const system = await bootstrap(settings, { migrate: true });
  const { queue, log } = system.context;
  const worker = await startWorker(queue, allTasks(system.apps), system.apps.flatMap((a) => a.schedules ?? []), { log });
  log.info({ driver: queue.driver }, 'worker started');
  await untilSignal();
  log.info('worker stopping: finishing running jobs');
  await worker.stop();
  await system.close();
  return 0;
}
