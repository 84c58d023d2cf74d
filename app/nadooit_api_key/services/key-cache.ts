/**
 * Keys that verified lately, by hash, so a bot's booking does not look its key up on every call. Safe
 * because an entry lives at most KEY_CACHE_TTL_MS — a key revoked, expired or deleted by another process
 * (or its owner deactivated) is refused there within that time — and is dropped at once when this process
 * wrote to a table it was read from (the `generation` of core/db/write-watch.ts). Expiry is checked on every
 * call against the cached `expires_at`. Unknown keys are never cached, so guessing gets no cheaper.
 */
export const KEY_CACHE_TTL_MS = Number(process.env.NADOOIT_TEST_CACHE_TTL_MS) || 1000; // tests only: a longer life proves Redis invalidation
const MAX_ENTRIES = 10_000;

interface Entry<Row> {
  row: Row;
  storedAt: number;
  generation: number;
}

let clock: () => number = () => performance.now();

export class KeyCache<Row> {
  private readonly entries = new Map<string, Entry<Row>>();
  private readonly loading = new Map<string, Promise<Row | undefined>>();

  get(hash: string, generation = 0): Row | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (entry.generation !== generation || clock() - entry.storedAt >= KEY_CACHE_TTL_MS) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry.row;
  }

  set(hash: string, row: Row, generation = 0): void {
    this.entries.delete(hash);
    this.entries.set(hash, { row, storedAt: clock(), generation });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  /**
   * The cached row, or else `load()`'s — one load shared by every concurrent miss of the key at the same
   * generation (when an entry expires under load, the requests in flight would otherwise all query at once),
   * as ReadCache does for lists. `undefined` (not found) is never stored. `db` is the caller's handle: inside
   * a transaction a load running elsewhere is not joined — on SQLite it may wait for the very connection the
   * transaction holds — and the transaction reads for itself.
   */
  through(db: { isTransaction: boolean }, key: string, generation: number, load: () => Promise<Row | undefined>): Promise<Row | undefined> {
    const hit = this.get(key, generation);
    if (hit !== undefined) return Promise.resolve(hit);
    const keep = (row: Row | undefined) => {
      if (row !== undefined) this.set(key, row, generation);
      return row;
    };
    if (db.isTransaction) return load().then(keep);
    const flight = `${generation}|${key}`;
    let pending = this.loading.get(flight);
    if (!pending) {
      pending = load()
        .then(keep)
        .finally(() => this.loading.delete(flight));
      this.loading.set(flight, pending);
    }
    return pending;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Tests: a monotonic clock in ms of their own (null restores performance.now). */
export function setKeyCacheClock(source: (() => number) | null): void {
  clock = source ?? (() => performance.now());
}
