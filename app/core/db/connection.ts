import { Kysely, sql } from 'kysely';
import type { Database } from './schema.js';
import { openSqlite } from './dialects/sqlite.js';
import { openPostgres } from './dialects/postgres.js';
import { postgresColumns, sqliteColumns } from './dialects/columns.js';
import type { ColumnTypes, Flavor } from './dialects/columns.js';
import { WriteWatch, registerWriteWatch } from './write-watch.js';
import { registerSnapshotSource } from './snapshot.js';
import type { WalSync } from './wal-sync.js';

export type DB = Kysely<Database>;

export interface Db {
  readonly kysely: DB;
  readonly flavor: Flavor;
  readonly columns: ColumnTypes;
  /** A short description for logs and `manage check`, with the password masked. */
  readonly description: string;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; caCertFile?: string; searchPath?: string; max?: number };

const flavors = new WeakMap<object, Flavor>();
const walSyncs = new WeakMap<object, WalSync>();

/** The flavor of a Kysely handle or transaction made by openDatabase (transactions share the adapter). */
export function flavorOf(handle: DB): Flavor {
  const flavor = flavors.get(handle.getExecutor().adapter);
  if (!flavor) throw new Error('flavorOf: handle was not created by openDatabase');
  return flavor;
}

/** The log sync of a SQLite file handle (dialects/sqlite.ts); none for PostgreSQL or `:memory:`. */
export function walSyncOf(handle: DB): WalSync | undefined {
  return walSyncs.get(handle.getExecutor().adapter);
}

function maskPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}

export async function openDatabase(target: DatabaseTarget): Promise<Db> {
  if (target.kind === 'sqlite') {
    const { dialect, wal } = openSqlite(target.file);
    const watch = new WriteWatch();
    const kysely = new Kysely<Database>({ dialect, plugins: [watch] });
    flavors.set(kysely.getExecutor().adapter, 'sqlite');
    if (wal) walSyncs.set(kysely.getExecutor().adapter, wal);
    registerWriteWatch(kysely.getExecutor().adapter, watch);
    if (target.file !== ':memory:') registerSnapshotSource(kysely.getExecutor().adapter, { kind: 'sqlite', file: target.file });
    return {
      kysely,
      flavor: 'sqlite',
      columns: sqliteColumns,
      description: `sqlite:${target.file}`,
      close: () => kysely.destroy(),
    };
  }
  const { dialect, pool } = openPostgres(target);
  const watch = new WriteWatch();
  const kysely = new Kysely<Database>({ dialect, plugins: [watch] });
  registerWriteWatch(kysely.getExecutor().adapter, watch);
  registerSnapshotSource(kysely.getExecutor().adapter, { kind: 'postgres', pool });
  const { rows } = await sql<{ version: string }>`select version() as version`.execute(kysely);
  const flavor: Flavor = /cockroach/i.test(rows[0]?.version ?? '') ? 'cockroach' : 'postgres';
  flavors.set(kysely.getExecutor().adapter, flavor);
  return {
    kysely,
    flavor,
    columns: postgresColumns,
    description: `${flavor}:${maskPassword(target.url)}`,
    close: () => kysely.destroy(),
  };
}

/** Liveness probe used by /readyz and `manage check`. */
export async function ping(db: DB): Promise<void> {
  await sql`select 1`.execute(db);
}
