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
