import type { Settings } from '../core/config.js';
import type { DB } from '../core/db/connection.js';
import { transaction } from '../core/db/transaction.js';
import type { TransactionHooks } from '../core/db/transaction.js';
import type { Queue } from '../core/queue/types.js';
import { ImportReport } from '../core/legacy/step.js';
import type { LegacyAppImport, LegacyImportContext, ProgressSink } from '../core/legacy/step.js';
import type { LegacySource } from '../core/legacy/source.js';
import { IMPORT_PLAN } from './plan.js';

export interface ImportOptions {
  /** Runs everything in one transaction and rolls it back: the report says what would happen. */
  dryRun?: boolean;
  /** Progress per table (the CLI draws bars; tests pass nothing). */
  progress?: (label: string, total: number) => ProgressSink;
  /** One line when an app starts and when it is committed. */
  log?: (line: string) => void;
  plan?: readonly LegacyAppImport[];
  now?: Date;
  /** The system's settings: imported bot tokens are encrypted with its key (without them those rows are reported). */
  settings?: Settings;
  /** The original's MEDIA_ROOT: videos and downloads are copied from there. */
  mediaDir?: string;
  /** Where imported videos are queued for transcoding (without it they wait until re-processed in the admin). */
  queue?: Pick<Queue, 'enqueueWithin'>;
}

export class ImportFailed extends Error {
  constructor(
    readonly app: string,
    readonly report: ImportReport,
    cause: unknown,
  ) {
    super(`import of ${app} failed, nothing of it was written: ${(cause as Error)?.message ?? cause}`, { cause });
  }
}

class DryRunRollback extends Error {}

const NO_PROGRESS: ProgressSink = { tick() {}, finish() {} };

/**
 * Imports an original NADOO-IT installation. A real run is one transaction per app, so an app is either
 * fully imported or not at all; apps imported before a failure stay (running again continues idempotently).
 * A dry run does the same work inside one transaction that is rolled back.
 */
export async function importDjango(db: DB, source: LegacySource, options: ImportOptions = {}): Promise<ImportReport> {
  const report = new ImportReport();
  const known = new Map<string, Set<string>>();
  const shared = new Map<string, unknown>();
  const now = (options.now ?? new Date()).toISOString();
  const plan = options.plan ?? IMPORT_PLAN;
  const contextFor = (tx: LegacyImportContext['tx'], hooks: TransactionHooks): LegacyImportContext => ({
    source,
    tx,
    report,
    mediaDir: options.mediaDir ?? null,
    dryRun: !!options.dryRun,
    async enqueue(task, payload, jobOptions) {
      if (options.queue) await options.queue.enqueueWithin(tx, hooks, task, payload, jobOptions);
      else report.outcome('jobs').notes.push(`${task} not queued (no queue): ${JSON.stringify(payload)}`);
    },
    now,
    settings: options.settings ?? null,
    shared,
    progress: options.progress ?? (() => NO_PROGRESS),
    known(target) {
      let ids = known.get(target);
      if (!ids) known.set(target, (ids = new Set()));
      return ids;
    },
  });
  const runApp = async (part: LegacyAppImport, tx: LegacyImportContext['tx'], hooks: TransactionHooks) => {
    options.log?.(`${part.app} …`);
    for (const step of part.steps) await step.run(contextFor(tx, hooks));
  };

  if (options.dryRun) {
    try {
      await transaction(db, async (tx, hooks) => {
        for (const part of plan) await runApp(part, tx, hooks);
        throw new DryRunRollback();
      });
    } catch (error) {
      if (!(error instanceof DryRunRollback)) throw new ImportFailed('the dry run', report, error);
    }
    return report;
  }
  for (const part of plan) {
    try {
      await transaction(db, (tx, hooks) => runApp(part, tx, hooks), { maxAttempts: 1 });
    } catch (error) {
      throw new ImportFailed(part.app, report, error);
    }
    options.log?.(`${part.app} imported`);
  }
  return report;
}
