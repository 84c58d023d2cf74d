import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { PostgresDialect } from 'kysely';

let parsersInstalled = false;

/** One place where pg's wire types become the project's portable value types. */
function installTypeParsers(): void {
  if (parsersInstalled) return;
  parsersInstalled = true;
  const int8 = (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} exceeds the safe integer range`);
    return n;
  };
  pg.types.setTypeParser(pg.types.builtins.INT8, int8);
  pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v: string) => Number(v));
  pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (v: string) => new Date(v).toISOString());
  pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (v: string) => new Date(`${v}Z`).toISOString());
  pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v);
}

/** Statement texts sent as named prepared statements, by text; bounded, as every connection keeps each one. */
const keptPlans = new Map<string, string>();
const MAX_KEPT_PLANS = 64;

/**
 * From now on, `text` goes out as a named prepared statement: each connection parses it once and PostgreSQL
 * keeps its plan (a generic one after five runs), instead of parsing and planning it on every call. For the
 * few hot statements whose text does not change with their data — a group-commit flush passes its rows as one
 * JSON parameter per table — where planning costs more than running.
 */
export function keepPlan(text: string): void {
  if (keptPlans.has(text) || keptPlans.size >= MAX_KEPT_PLANS) return;
  keptPlans.set(text, `nadooit_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`);
}

/** pg's client, sending the texts given to keepPlan() as named statements (Kysely calls query(text, values)). */
class PlanKeepingClient extends pg.Client {
  override query(...args: any[]): any {
    const [text, values] = args;
    const name = args.length === 2 && typeof text === 'string' ? keptPlans.get(text) : undefined;
    if (name) return super.query({ name, text, values });
    return (super.query as (...a: unknown[]) => unknown)(...args);
  }
}

export interface PostgresOptions {
  url: string;
  caCertFile?: string;
  searchPath?: string;
  max?: number;
}

export function openPostgres(options: PostgresOptions): { dialect: PostgresDialect; pool: pg.Pool } {
  installTypeParsers();
  const url = new URL(options.url);
  const sslmode = url.searchParams.get('sslmode');
  url.searchParams.delete('sslmode');
  const ssl =
    options.caCertFile
      ? { ca: readFileSync(options.caCertFile, 'utf8'), rejectUnauthorized: true }
      : sslmode && sslmode !== 'disable'
        ? { rejectUnauthorized: sslmode === 'verify-full' || sslmode === 'verify-ca' }
        : undefined;
  const pool = new pg.Pool({
    Client: PlanKeepingClient,
    connectionString: url.toString(),
    ssl,
    max: options.max ?? 10,
    options: `-c TimeZone=UTC${options.searchPath ? ` -c search_path=${options.searchPath}` : ''}`,
  });
  pool.on('error', () => {
    /* idle client errors surface on the next query; keep the process alive */
  });
  return { dialect: new PostgresDialect({ pool }), pool };
}
