import { cachedTables, writeWatchOf } from './write-watch.js';

/** How long a cached read may be used: what another process changed is seen after at most this long. */
export const READ_CACHE_TTL_MS = 1000;

interface Entry<V> {
  value: Promise<V>;
  settled: boolean;
  storedAt: number;
  generation: number;
}

type Handle = Parameters<typeof writeWatchOf>[0] & { isTransaction: boolean };

let clock: () => number = () => performance.now();

/**
 * A read cache for data that changes rarely and is read on every request (e.g. the website's section
 * orders): an entry lives at most `ttlMs`, so a change made by another process is seen within that time,
 * and is dropped at once when this process inserted into, updated or deleted from one of `tables`
 * (core/db/write-watch.ts). Entries are kept per database handle. Concurrent misses share one load (no
 * stampede when an entry expires under load); a failed load is not kept. Inside a transaction a load still
 * running elsewhere is not waited for (on SQLite it may wait for the very connection the transaction
 * holds): the transaction reads for itself.
 */
export class ReadCache<V> {
  private readonly byHandle = new WeakMap<object, Map<string, Entry<V>>>();

  private readonly tables: readonly string[];

  constructor(
    tables: readonly string[],
    private readonly ttlMs = READ_CACHE_TTL_MS,
    private readonly maxEntries = 1000,
  ) {
    this.tables = cachedTables(...tables);
  }

  get(db: Handle, key: string, load: () => Promise<V>): Promise<V> {
    const adapter = db.getExecutor().adapter;
    let entries = this.byHandle.get(adapter);
    if (!entries) this.byHandle.set(adapter, (entries = new Map()));
    const generation = writeWatchOf(db).contentGeneration(this.tables);
    const now = clock();
    const hit = entries.get(key);
    if (hit && hit.generation === generation && now - hit.storedAt < this.ttlMs) {
      if (hit.settled || !db.isTransaction) return hit.value;
      return load();
    }
    const value = load();
    const entry: Entry<V> = { value, settled: false, storedAt: now, generation };
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > this.maxEntries) entries.delete(entries.keys().next().value!);
    value.then(
      () => void (entry.settled = true),
      () => {
        if (entries.get(key) === entry) entries.delete(key);
      },
    );
    return value;
  }
}

/** Tests: a monotonic clock in ms of their own (null restores performance.now). */
export function setReadCacheClock(source: (() => number) | null): void {
  clock = source ?? (() => performance.now());
}
