import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

/**
 * Log frames (pages) after which a log that the worker's checkpoints cannot finish is restarted: about 64 MiB.
 * SQLite rewinds the log to its start only at a write that finds every frame copied back, and under steady
 * writes a PASSIVE checkpoint never copies the frames of the commits made while it ran — the log then grows
 * without bound (measured: 200 MiB after 3,000 bookings at one connection), every sync of a growing file
 * also writes its size (0.55 against 0.43 ms per lone booking), and lookups in the log's index slow down.
 */
export const RESTART_AFTER_FRAMES = 16_384;

/**
 * Copies the SQLite write-ahead log back into the database file from a thread of its own.
 *
 * SQLite checkpoints by itself inside a COMMIT once the log holds 1,000 pages, and that checkpoint syncs the
 * log and the database file: on a busy server, every few dozen commits one commit blocked the event loop for
 * the length of two fsyncs (the website's visitor writes went from 3,500 to 5,400 a second without it,
 * docs/database.md). A process that commits often therefore hands the checkpoints to this worker: its own
 * connection runs `wal_checkpoint(PASSIVE)` (which never waits for or blocks the writer) a few times a
 * second, and the main connection's automatic checkpoint is switched off. If the worker fails, automatic
 * checkpoints come back, so the log never grows without bound.
 *
 * When the log has grown past `restartAfterFrames` and the worker's checkpoints do not finish it, `onBehind`
 * is called: the dialect then holds the connection (no statement of this process runs, the event loop goes
 * on) while `checkpointNow()` copies the rest, so the next write starts the log from its beginning.
 */
export class WalCheckpointer {
  private worker: Worker | null = null;
  private stopped = false;
  private waiting: Array<() => void> = [];
  /** Checkpoints the worker ran that copied at least one page (for the tests). */
  checkpoints = 0;
  /**
   * Called with each report of a log past `restartAfterFrames`, whatever its checkpoint copied: under steady
   * writes a log that a checkpoint copied in full still does not rewind (measured: the restart test then runs
   * for minutes), so only holding the connection for one checkpoint lets the next write start it anew.
   */
  onBehind: (() => void) | null = null;

  constructor(
    private readonly connection: Database.Database,
    private readonly intervalMs = 250,
    private readonly restartAfterFrames = RESTART_AFTER_FRAMES,
  ) {}

  get running(): boolean {
    return this.worker !== null;
  }

  /** A checkpoint in the worker at once; resolves when it ran (at once when no worker runs). */
  checkpointNow(): Promise<void> {
    if (!this.worker) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.worker!.postMessage('now');
    });
  }

  start(): void {
    if (this.worker || this.stopped) return;
    const workerData = { file: this.connection.name, intervalMs: this.intervalMs, driver: createRequire(import.meta.url).resolve('better-sqlite3') };
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    worker.unref();
    worker.on('message', (message: { copied?: number; now?: boolean; log: number; checkpointed: number }) => {
      if (message.copied) this.checkpoints += 1;
      if (message.now) this.waiting.shift()?.();
      else if (message.log >= this.restartAfterFrames) this.onBehind?.();
    });
    const gone = () => {
      if (this.worker !== worker) return;
      this.worker = null;
      for (const resolve of this.waiting.splice(0)) resolve();
      if (!this.stopped && this.connection.open) this.connection.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
    };
    worker.on('error', gone);
    worker.on('exit', gone);
    this.worker = worker;
    this.connection.pragma('wal_autocheckpoint = 0');
  }

  /** Ends the worker (its connection closed) before the main connection closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref(); // keeps this process alive until the worker has closed its connection
    worker.postMessage('stop');
    await exited;
  }
}

// Plain JavaScript, so it runs the same from the TypeScript sources (tsx) and from dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('synchronous = NORMAL');
let last = '';
let lastVersion = -1;
function checkpoint() {
  // data_version changes when another connection committed: the same log figures twice can still be new pages
  // (the log restarted and filled up to the same size), so they alone do not tell an idle checkpoint.
  const version = db.pragma('data_version', { simple: true });
  const [result] = db.pragma('wal_checkpoint(PASSIVE)');
  const seen = result.log + '/' + result.checkpointed;
  const copied = result.checkpointed > 0 && (seen !== last || version !== lastVersion) ? result.checkpointed : 0;
  last = seen;
  lastVersion = version;
  return { copied, log: result.log, checkpointed: result.checkpointed };
}
const timer = setInterval(() => parentPort.postMessage(checkpoint()), workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'now') return parentPort.postMessage({ ...checkpoint(), now: true });
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;
