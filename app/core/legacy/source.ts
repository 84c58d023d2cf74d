import Database from 'better-sqlite3';
import pg from 'pg';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';

export type LegacyRow = Record<string, unknown>;

/**
 * A read-only view of an original NADOO-IT (Django) database, inside one snapshot so every table is read as
 * of the same moment. Rows come in primary-key order, a page at a time, so memory stays flat.
 */
export interface LegacySource {
  readonly description: string;
  hasTable(table: string): boolean;
  count(table: string): Promise<number>;
  rows(table: string, options?: { key?: string; pageSize?: number }): AsyncGenerator<LegacyRow>;
  close(): Promise<void>;
}

export class LegacySourceError extends Error {}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function quoted(name: string): string {
  if (!IDENTIFIER.test(name)) throw new LegacySourceError(`not a table or column name: ${name}`);
  return `"${name}"`;
}

/** PostgreSQL's identifier limit; Django shortens longer names (many-to-many tables) to fit. */
const POSTGRES_NAME_LENGTH = 63;

/** The name Django gives a table on a backend whose names are at most `maxLength` long (its truncate_name). */
export function djangoTableName(name: string, maxLength = POSTGRES_NAME_LENGTH): string {
  if (name.length <= maxLength) return name;
  return `${name.slice(0, maxLength - 4)}${createHash('md5').update(name).digest('hex').slice(0, 4)}`;
}

/** A Django SQLite file path, or a postgres:// / postgresql:// / cockroachdb:// URL. */
export async function openLegacySource(spec: string): Promise<LegacySource> {
  if (/^(postgres|postgresql|cockroachdb):\/\//i.test(spec)) return openPostgresSource(spec);
  if (!existsSync(spec)) throw new LegacySourceError(`${spec}: no such file (give a Django SQLite file or a postgres:// URL)`);
  return openSqliteSource(spec);
}

function openSqliteSource(file: string): LegacySource {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('query_only = ON');
    db.prepare('BEGIN').run();
  } catch (error) {
    throw new LegacySourceError(`${file} is not a readable SQLite database: ${(error as Error).message}`);
  }
  const tables = new Set(
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name),
  );
  if (!tables.has('django_migrations')) throw new LegacySourceError(`${file} is not a Django database (no django_migrations table)`);
  return {
    description: `SQLite ${file}`,
    hasTable: (table) => tables.has(table),
    async count(table) {
      if (!tables.has(table)) return 0;
      return (db.prepare(`SELECT count(*) AS n FROM ${quoted(table)}`).get() as { n: number }).n;
    },
    async *rows(table, { key = 'id', pageSize = 1000 } = {}) {
      if (!tables.has(table)) return;
      const first = db.prepare(`SELECT * FROM ${quoted(table)} ORDER BY ${quoted(key)} LIMIT ?`);
      const next = db.prepare(`SELECT * FROM ${quoted(table)} WHERE ${quoted(key)} > ? ORDER BY ${quoted(key)} LIMIT ?`);
      let page = first.all(pageSize) as LegacyRow[];
      while (page.length) {
        yield* page;
        if (page.length < pageSize) return;
        page = next.all(page[page.length - 1]![key], pageSize) as LegacyRow[];
      }
    },
    async close() {
      if (db.inTransaction) db.prepare('COMMIT').run();
      db.close();
    },
  };
}

async function openPostgresSource(url: string): Promise<LegacySource> {
  // Every column as text: the value functions in values.ts read Django's PostgreSQL types from their text form.
  const asText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;
  const client = new pg.Client({ connectionString: url.replace(/^cockroachdb:/i, 'postgresql:'), types: asText });
  try {
    await client.connect();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new LegacySourceError(`cannot read ${redacted(url)}: ${(error as Error).message}`);
  }
  const result = await client.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
  );
  const present = new Set(result.rows.map((r) => r.table_name));
  const tables = { has: (table: string) => present.has(djangoTableName(table)) };
  const actual = (table: string) => quoted(djangoTableName(table));
  if (!present.has('django_migrations')) {
    await client.end();
    throw new LegacySourceError(`${redacted(url)} is not a Django database (no django_migrations table)`);
  }
  return {
    description: `PostgreSQL ${redacted(url)}`,
    hasTable: (table) => tables.has(table),
    async count(table) {
      if (!tables.has(table)) return 0;
      return Number((await client.query(`SELECT count(*) AS n FROM ${actual(table)}`)).rows[0].n);
    },
    async *rows(table, { key = 'id', pageSize = 1000 } = {}) {
      if (!tables.has(table)) return;
      let last: unknown;
      for (;;) {
        const page =
          last === undefined
            ? await client.query(`SELECT * FROM ${actual(table)} ORDER BY ${quoted(key)} LIMIT $1`, [pageSize])
            : await client.query(`SELECT * FROM ${actual(table)} WHERE ${quoted(key)} > $1 ORDER BY ${quoted(key)} LIMIT $2`, [last, pageSize]);
        yield* page.rows as LegacyRow[];
        if (page.rows.length < pageSize) return;
        last = page.rows[page.rows.length - 1][key];
      }
    },
    async close() {
      await client.query('COMMIT').catch(() => undefined);
      await client.end();
    },
  };
}

function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the given URL';
  }
}
