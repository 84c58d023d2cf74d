import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/**
 * Fails the next `times` statements of a group-commit flush after they ran: the multi-row writes of
 * core/db/batch-writes.ts, the only statements Kysely does not build (transformQuery never saw their id).
 * Add it with `db.withPlugin(faults)`; the handle shares the database and adapter but has its own
 * group-commit writer.
 */
export class FlushFaults implements KyselyPlugin {
  injected = 0;
  private times = 0;
  private error: () => Error = () => new Error('injected');
  private readonly built = new WeakSet<object>();

  /** The next `times` flush statements throw `error()` once they ran. */
  failNext(times: number, error: () => Error): this {
    this.times = times;
    this.error = error;
    return this;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.built.add(args.queryId);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.times > 0 && !this.built.has(args.queryId)) {
      this.times -= 1;
      this.injected += 1;
      throw this.error();
    }
    return args.result;
  }
}
