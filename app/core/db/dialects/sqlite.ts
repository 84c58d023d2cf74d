import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { SqliteDialect } from 'kysely';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { booleanColumns } from './columns.js';

function toParameter(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}

function fromRow(row: unknown): unknown {
  if (row === null || typeof row !== 'object') return row;
  const record = row as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (booleanColumns.has(key) && (value === 0 || value === 1)) record[key] = value === 1;
  }
  return record;
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Wraps better-sqlite3 so booleans and dates bind, and boolean columns come back as booleans. Prepared
 * statements are reused by SQL text (Kysely prepares on every query, which more than halves the write
 * rate); Kysely's single-connection mutex means a cached statement is never used by two queries at once.
 */
function adapt(database: Database.Database): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = database.prepare(sql);
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      statements.set(sql, statement);
    }
    return statement;
  };
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      const statement = prepared(sql);
      return {
        reader: statement.reader,
        all: (parameters) => statement.all(...parameters.map(toParameter)).map(fromRow),
        run: (parameters) => statement.run(...parameters.map(toParameter)),
        *iterate(parameters) {
          for (const row of statement.iterate(...parameters.map(toParameter))) yield fromRow(row);
        },
      };
    },
  };
}

export function openSqlite(file: string): { dialect: SqliteDialect; raw: Database.Database } {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before it returns, so an answered booking survives a power cut (docs/database.md).
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  return { dialect: new SqliteDialect({ database: adapt(raw) }), raw };
}
