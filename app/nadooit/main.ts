import { SettingsError, loadSettings } from './settings.js';
import type { Settings } from '../core/config.js';

/** One entry point for every process: `start` (web), `worker` and `manage <command>`. */
async function main(): Promise<number> {
  const [mode = 'start', ...args] = process.argv.slice(2);
  let settings: Settings;
  try {
    settings = loadSettings(process.env, undefined, { joinDevelopmentSetup: mode === 'manage' });
  } catch (error) {
    if (error instanceof SettingsError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  switch (mode) {
    case 'start': {
      const stopRequested = listenForStop();
      const { bootstrap } = await import('./bootstrap.js');
      const { serve } = await import('./server.js');
      const system = await bootstrap(settings, { migrate: true });
      const { stop } = await serve(system);
      await stopRequested;
      await stop();
      return 0;
    }
    case 'worker': {
      const stopRequested = listenForStop();
      const { runWorkerProcess } = await import('./worker.js');
      return runWorkerProcess(settings, () => stopRequested);
    }
    case 'manage': {
      const { runManage } = await import('./manage.js');
      return runManage(settings, args);
    }
    default:
      process.stderr.write(`Unknown mode "${mode}". Use start, worker or manage.\n`);
      return 2;
  }
}

/**
 * Listens for SIGTERM/SIGINT from the very start of a long-running process: a stop requested while it is
 * still starting (migrating, registering schedules) is honoured gracefully once it is up, instead of the
 * default action killing it half-started.
 */
function listenForStop(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve(signal));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const e = error as { code?: string; message?: string };
    if (e?.code === 'ECONNREFUSED' || e?.code === 'ENOTFOUND' || e?.code === '28P01' || e?.code === '3D000') {
      process.stderr.write(`Cannot reach the database: ${e.message}\n`);
    } else {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    }
    process.exit(1);
  },
);
