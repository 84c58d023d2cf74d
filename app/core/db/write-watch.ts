import { AliasNode, DeleteQueryNode, InsertQueryNode, TableNode, UpdateQueryNode } from 'kysely';
import type { KyselyPlugin, OperationNode, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/**
 * Counts UPDATEs, DELETEs and INSERTs per table made through one database handle (a Kysely plugin, so every
 * write of this process is seen: services, admin, CLI, a test's raw update builder). Read caches record the
 * generation of the tables they depend on and drop an entry as soon as it moved — so a change is honoured
 * at once in the process that made it; other processes rely on the caches' short lifetime. Caches of single
 * rows by key only need changes of existing rows (`generation`); caches of whole lists, where a new row
 * matters too, use `contentGeneration`.
 */
export class WriteWatch implements KyselyPlugin {
  private readonly generations = new Map<string, number>();
  private readonly inserts = new Map<string, number>();

  /** A number that changes whenever one of `tables` was updated or deleted from. */
  generation(tables: readonly string[]): number {
    let sum = 0;
    for (const table of tables) sum += this.generations.get(table) ?? 0;
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
    if (UpdateQueryNode.is(node)) this.bump(node.table);
    else if (DeleteQueryNode.is(node)) for (const from of node.from.froms) this.bump(from);
    else if (InsertQueryNode.is(node)) this.countInsert(node.into);
    return node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }

  /** Inserts only matter to this process's list caches (contentGeneration); they are not reported. */
  private countInsert(node: OperationNode | undefined): void {
    const name = tableName(node);
    if (name) this.inserts.set(name, (this.inserts.get(name) ?? 0) + 1);
  }

  private bump(node: OperationNode | undefined): void {
    const name = tableName(node);
    if (!name) return;
    this.generations.set(name, (this.generations.get(name) ?? 0) + 1);
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
