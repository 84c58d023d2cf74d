import { close, fdatasync, fsync, open } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const openFile = promisify(open);
const dataSync = promisify(fdatasync);
const fullSync = promisify(fsync);
const closeFile = promisify(close);

/**
 * A commit went through but its log could not be synced: its writes are visible, whether they would survive
 * a power cut is unknown. The work must not be run again (it would be applied twice); the caller gets an
 * error, and a client that retries with its idempotency key finds what was committed.
 */
export class DurabilityError extends Error {
  readonly code = 'NADOOIT_DURABILITY';
  constructor(cause: unknown) {
    super(`The write-ahead log could not be synced to disk: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * The durability of SQLite commits, off the event loop. The connection runs with `synchronous=NORMAL`, so
 * COMMIT only write()s its WAL frames (to the page cache) and returns; this class then fdatasync()s the
 * `-wal` file in libuv's thread pool — the same one sync per commit that `synchronous=FULL` does, but the
 * event loop serves other requests meanwhile (docs/database.md). At most one sync runs at a time: commits
 * that land while it runs share the next one (group commit of the syncs themselves).
 *
 * `durable()` resolves once everything written before the call is on disk; the dialect's driver awaits it
 * whenever it hands the connection back (dialects/sqlite.ts), so no query — a read included — answers with
 * data that a power cut could still take back.
 */
export class WalSync {
  private fd: Promise<number> | null = null;
  private inFlight: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  /** Written since the running sync started (or since the last one, when none runs). */
  private dirty = false;
  /** Syncs done since start (for the tests and the bench). */
  syncs = 0;
  /** Set while the code lowered `pragma synchronous` (dialects/sqlite.ts): its writes are not waited for. */
  relaxed = false;

  constructor(private readonly walFile: string) {}

  /** A statement that changes the database ran (called by the dialect for every non-read-only statement). */
  written(): void {
    if (!this.relaxed) this.dirty = true;
  }

  durable(): Promise<void> {
    if (!this.dirty) return this.inFlight ?? Promise.resolve();
    if (!this.inFlight) return this.start();
    // A sync runs that began before these writes: the next one, started when it ends, covers them.
    return (this.next ??= this.inFlight.then(
      () => this.start(),
      () => this.start(),
    ));
  }

  private start(): Promise<void> {
    this.next = null;
    this.dirty = false;
    const run: Promise<void> = this.sync().finally(() => {
      if (this.inFlight === run) this.inFlight = null;
    });
    this.inFlight = run;
    return run;
  }

  private async sync(): Promise<void> {
    try {
      const fd = await (this.fd ??= this.openWal().catch((error: unknown) => {
        this.fd = null;
        throw error;
      }));
      await dataSync(fd);
    } catch (error) {
      throw new DurabilityError(error);
    }
    this.syncs += 1;
  }

  /** The `-wal` file, opened once; its directory entry is made durable once too (it appeared at the first write). */
  private async openWal(): Promise<number> {
    const fd = await openFile(this.walFile, 'r');
    const dir = await openFile(path.dirname(this.walFile), 'r');
    try {
      await fullSync(dir);
    } finally {
      await closeFile(dir);
    }
    return fd;
  }

  async close(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
    const fd = await this.fd?.catch(() => null);
    this.fd = null;
    if (fd !== null && fd !== undefined) await closeFile(fd);
  }
}
