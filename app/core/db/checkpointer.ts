import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

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
 */
export class WalCheckpointer {
  private worker: Worker | null = null;
  private stopped = false;
  /** Checkpoints the worker ran that copied at least one page (for the tests). */
  checkpoints = 0;

  constructor(
    private readonly connection: Database.Database,
    private readonly intervalMs = 250,
  ) {}

  get running(): boolean {
    return this.worker !== null;
  }

  start(): void {
    if (this.worker || this.stopped) return;
    const workerData = { file: this.connection.name, intervalMs: this.intervalMs, driver: createRequire(import.meta.url).resolve('better-sqlite3') };
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    worker.unref();
    worker.on('message', (message: { copied?: number }) => {
      if (message.copied) this.checkpoints += 1;
    });
    const gone = () => {
      if (this.worker !== worker) return;
      this.worker = null;
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
const timer = setInterval(() => {
  // data_version changes when another connection committed: the same log figures twice can still be new pages
  // (the log restarted and filled up to the same size), so they alone do not tell an idle checkpoint.
  const version = db.pragma('data_version', { simple: true });
  const [result] = db.pragma('wal_checkpoint(PASSIVE)');
  const seen = result.log + '/' + result.checkpointed;
  if (result.checkpointed > 0 && (seen !== last || version !== lastVersion)) parentPort.postMessage({ copied: result.checkpointed });
  last = seen;
  lastVersion = version;
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;
