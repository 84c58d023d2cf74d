import { CompiledQuery } from 'kysely';
import type { Insertable } from 'kysely';
import { flavorOf } from './connection.js';
import type { DB } from './connection.js';
import type { Database } from './schema.js';
import type { Tx } from './transaction.js';
import { writeWatchOf } from './write-watch.js';

/** Parameters per statement: SQLite allows 32,766, PostgreSQL 65,535. */
const MAX_PARAMETERS = 30_000;
const texts = new Map<string, string>();
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Multi-row INSERTs of rows that all have the same columns, for the group-commit batches' hot paths. Kysely
 * builds and compiles an operation tree per value (about a tenth of a booking's CPU at 64 connections); here
 * the SQL text is made once per table, columns and row count, and the values go straight to the driver (whose
 * statement cache then reuses the prepared statement). Values must be plain (string, number, boolean, null,
 * Date); the write watch counts the insert as it counts Kysely's.
 */
export async function insertRows<T extends keyof Database & string>(db: Tx, table: T, rows: ReadonlyArray<Insertable<Database[T]>>): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]!);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const postgres = flavorOf(db as DB) !== 'sqlite';
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const parameters: unknown[] = [];
    for (const row of chunk) {
      const record = row as Record<string, unknown>;
      if (Object.keys(record).length !== columns.length) throw new Error(`insertRows(${table}): every row needs the columns ${columns.join(', ')}`);
      for (const column of columns) {
        const value = record[column];
        if (value === undefined) throw new Error(`insertRows(${table}): column ${column} missing in a row`);
        parameters.push(value);
      }
    }
    await db.executeQuery(CompiledQuery.raw(statementText(table, columns, chunk.length, postgres), parameters));
  }
  writeWatchOf(db).inserted(table);
}

function statementText(table: string, columns: string[], rowCount: number, postgres: boolean): string {
  const key = `${postgres ? 'pg' : 'sqlite'}|${table}|${columns.join(',')}|${rowCount}`;
  let text = texts.get(key);
  if (text === undefined) {
    for (const name of [table, ...columns]) if (!IDENTIFIER.test(name)) throw new Error(`insertRows: ${name} is not a plain identifier`);
    const tuples: string[] = [];
    let n = 0;
    for (let r = 0; r < rowCount; r++) tuples.push(`(${columns.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`);
    text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(', ')}`;
    if (texts.size >= 2000) texts.clear();
    texts.set(key, text);
  }
  return text;
}
