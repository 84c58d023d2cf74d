import { AliasNode, DeleteQueryNode, InsertQueryNode, TableNode, UpdateQueryNode } from 'kysely';
import type { KyselyPlugin, OperationNode, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/**
 * The tables some read cache depends on, declared where each cache is defined (every process loads every
 * app's modules, so every process knows them all). Only writes to these are worth telling other processes:
 * a booking's writes to accounts, counters and ledger are not, and sending them cost a Redis message per
 * batch in every process.
 */
const cached = new Set<string>();

/** Declares tables that a read cache depends on (see `cached`); returns them. */
export function cachedTables<const T extends readonly string[]>(...tables: T): T {
  for (const table of tables) cached.add(table);
  return tables;
}

/**
 * Counts UPDATEs, DELETEs and INSERTs per table made through one database handle (a Kysely plugin, so every
 * write of this process is seen: services, admin, CLI, a test's raw update builder). Read caches record the
 * generation of the tables they depend on and drop an entry as soon as it moved — so a change is honoured
 * at once in the process that made it; other processes learn of it over Redis (core/db/invalidation.ts)
 * or, without it, through the caches' short lifetime. Caches of single rows by key only need changes of
 * existing rows (`generation`); caches of whole lists, where a new row matters too, use
 * `contentGeneration`.
 */
export class WriteWatch implements KyselyPlugin {
  private readonly generations = new Map<string, number>();
  private readonly inserts = new Map<string, number>();
  private readonly unsent = new Set<string>();
  private readonly lastWrite = new Map<string, number>();
  private serial = 0;
  private listener: ((tables: string[]) => void) | null = null;

  /** A number that changes whenever one of `tables` was updated or deleted from. */
  generation(tables: readonly string[]): number {
    let sum = 0;
    for (const table of tables) {
      // Other processes would not report their writes to it: the cache would miss them until its lifetime ran out.
      if (!cached.has(table)) throw new Error(`${table} is read by a cache but not declared with cachedTables()`);
      sum += this.generations.get(table) ?? 0;
    }
    return sum;
  }

  /** A number that changes whenever one of `tables` was inserted into, updated or deleted from. */
  contentGeneration(tables: readonly string[]): number {
    let sum = this.generation(tables);
    for (const table of tables) sum += this.inserts.get(table) ?? 0;
    return sum;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node;
    if (UpdateQueryNode.is(node)) this.bump(tableName(node.table));
    else if (DeleteQueryNode.is(node)) for (const from of node.from.froms) this.bump(tableName(from));
    else if (InsertQueryNode.is(node)) this.countInsert(node.into);
    return node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.unsent.size) this.report();
    return args.result;
  }

  /**
   * Other processes learn of this one's writes through `listener` (core/db/invalidation.ts: Redis): it gets
   * the cached tables (`cachedTables`) written since its last call after each write statement and again
   * after each commit (`committed`, from transaction()), so a reader elsewhere that re-read a row before the
   * commit drops it once more when the change is visible.
   */
  onWrites(listener: ((tables: string[]) => void) | null): void {
    this.listener = listener;
  }

  /** A mark to pass to `committed` (taken when a transaction starts). */
  mark(): number {
    return this.serial;
  }

  /** transaction() tells after a commit: the tables written since `mark` (by it, or alongside it) are reported again. */
  committed(mark: number): void {
    if (!this.listener || this.serial === mark) return;
    const tables: string[] = [];
    for (const [table, serial] of this.lastWrite) if (serial > mark) tables.push(table);
    this.listener(tables);
  }

  /** Another process wrote to `tables`: every cached answer read from them is dropped here too. */
  external(tables: readonly string[]): void {
    for (const table of tables) this.generations.set(table, (this.generations.get(table) ?? 0) + 1);
  }

  private report(): void {
    const tables = [...this.unsent];
    this.unsent.clear();
    this.listener?.(tables);
  }

  /** Inserts only matter to this process's list caches (contentGeneration); they are not reported. */
  private countInsert(node: OperationNode | undefined): void {
    const name = tableName(node);
    if (name) this.inserted(name);
  }

  /** Rows were inserted into `table` without Kysely's builder (batch-writes.ts). */
  inserted(table: string): void {
    this.inserts.set(table, (this.inserts.get(table) ?? 0) + 1);
  }

  /** Rows of `table` were updated without Kysely's builder (batch-writes.ts): as an UPDATE through it. */
  updated(table: string): void {
    this.bump(table);
    if (this.unsent.size) this.report();
  }

  private bump(name: string | undefined): void {
    if (!name) return;
    this.generations.set(name, (this.generations.get(name) ?? 0) + 1);
    if (!cached.has(name)) return;
    this.lastWrite.set(name, ++this.serial);
    if (this.listener) this.unsent.add(name);
  }
}

function tableName(node: OperationNode | undefined): string | undefined {
  const table = node && AliasNode.is(node) ? node.node : node;
  return table && TableNode.is(table) ? table.table.identifier.name : undefined;
}

const watches = new WeakMap<object, WriteWatch>();

/** Registers the watch of a database handle (openDatabase does this). */
export function registerWriteWatch(adapter: object, watch: WriteWatch): void {
  watches.set(adapter, watch);
}

/** The write watch of a handle or one of its transactions (they share the adapter); a fresh one for foreign handles. */
export function writeWatchOf(handle: { getExecutor(): { adapter: object } }): WriteWatch {
  const adapter = handle.getExecutor().adapter;
  let watch = watches.get(adapter);
  if (!watch) watches.set(adapter, (watch = new WriteWatch()));
  return watch;
}
