import type { Insertable } from 'kysely';
import { executeWrites, MAX_PARAMETERS, quotedIdentifier } from './batch-writes.js';
import type { BatchWrite } from './batch-writes.js';
import { flavorOf } from './connection.js';
import type { DB } from './connection.js';
import type { Flavor } from './dialects/columns.js';
import type { Database } from './schema.js';
import type { Tx } from './transaction.js';

const texts = new Map<string, string>();

/**
 * Multi-row INSERTs of rows that all have the same columns, for the group-commit batches' hot paths. Kysely
 * builds and compiles an operation tree per value (about a tenth of a booking's CPU at 64 connections); here
 * the SQL text is made once per table and columns, and the values go straight to the driver. Values must be
 * plain (string, number, boolean, null, Date); the write watch counts the insert as it counts Kysely's.
 */
export async function insertRows<T extends keyof Database & string>(
  db: Tx,
  table: T,
  rows: ReadonlyArray<Insertable<Database[T]>>,
  upsert?: AddingUpsert<T>,
): Promise<void> {
  await executeWrites(db, insertWrites(table, rows, flavorOf(db as DB), { upsert }));
}

/**
 * The same INSERTs as writes of a flush (batch-writes.ts). PostgreSQL and CockroachDB get all rows as ONE
 * JSON parameter, turned into rows of the table's own type (`json_populate_recordset`): a short statement
 * whatever the row count, instead of one parameter per value that the server parses, plans and converts
 * one by one (measured: about a third of PostgreSQL's CPU per booking). SQLite, whose statements cost no
 * round trip and stay prepared, gets multi-row VALUES of at most MAX_PARAMETERS values.
 */
export function insertWrites<T extends keyof Database & string>(
  table: T,
  rows: ReadonlyArray<Insertable<Database[T]>>,
  flavor: Flavor,
  options: { upsert?: AddingUpsert<T>; shift?: ShiftedColumns<T> } = {},
): BatchWrite[] {
  if (!rows.length) return [];
  const columns = Object.keys(rows[0]!);
  if (flavor !== 'sqlite') {
    for (const row of rows) checkShape(table, columns, row);
    return [{ table, kind: 'insert', text: insertText(table, columns, options), parameters: [JSON.stringify(rows)] }];
  }
  if (options.shift) throw new Error(`insertWrites(${table}): shifted columns need PostgreSQL or CockroachDB`);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const writes: BatchWrite[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const parameters: unknown[] = [];
    for (const row of chunk) {
      checkShape(table, columns, row);
      for (const column of columns) parameters.push((row as Record<string, unknown>)[column]);
    }
    writes.push({ table, kind: 'insert', text: insertText(table, columns, options, chunk.length), parameters });
  }
  return writes;
}

/**
 * The INSERT's text, made once per table, columns, options (and, on SQLite, row count) and handed out as the
 * same string after that, so a flush joins it without copying (batch-writes.ts).
 */
function insertText<T extends keyof Database & string>(
  table: T,
  columns: string[],
  options: { upsert?: AddingUpsert<T>; shift?: ShiftedColumns<T> },
  sqliteRows?: number,
): string {
  const key = `${table}|${columns.join(',')}|${sqliteRows ?? ''}|${options.shift ? JSON.stringify(options.shift) : ''}|${options.upsert ? JSON.stringify(options.upsert) : ''}`;
  let text = texts.get(key);
  if (text === undefined) {
    const insert = sqliteRows === undefined ? rowSetText(table, columns, options.shift) : valuesText(table, columns, sqliteRows);
    text = insert + (options.upsert ? upsertClause(table, options.upsert) : '');
    if (texts.size >= 2000) texts.clear();
    texts.set(key, text);
  }
  return text;
}

/**
 * A row whose `key` exists already is updated instead: the `add` columns grow by the new row's values, the
 * `set` columns take them. The rows of one write must have distinct keys.
 */
export interface AddingUpsert<T extends keyof Database & string> {
  key: ReadonlyArray<keyof Database[T] & string>;
  add: ReadonlyArray<keyof Database[T] & string>;
  set: ReadonlyArray<keyof Database[T] & string>;
}

/**
 * PostgreSQL/CockroachDB: columns whose values in the rows are relative to what an earlier write of the same
 * statement found — the write named `write` (batch-writes.ts), joined on its `id` = the row's `key`: each
 * column in `add` gets that write's returned column of the given name added. A row without a match
 * (`unmatched`) fails the whole statement (the sum is NULL, for a NOT NULL column), or is written unshifted.
 */
export interface ShiftedColumns<T extends keyof Database & string> {
  write: string;
  key: keyof Database[T] & string;
  add: Partial<Record<keyof Database[T] & string, string>>;
  unmatched: 'fails' | 'unshifted';
}

function upsertClause<T extends keyof Database & string>(table: T, upsert: AddingUpsert<T>): string {
  const t = quotedIdentifier(table);
  const updates = [
    ...upsert.add.map((c) => `${quotedIdentifier(c)} = ${t}.${quotedIdentifier(c)} + excluded.${quotedIdentifier(c)}`),
    ...upsert.set.map((c) => `${quotedIdentifier(c)} = excluded.${quotedIdentifier(c)}`),
  ];
  return ` on conflict (${upsert.key.map(quotedIdentifier).join(', ')}) do update set ${updates.join(', ')}`;
}

function checkShape(table: string, columns: string[], row: object): void {
  const record = row as Record<string, unknown>;
  if (Object.keys(record).length !== columns.length) throw new Error(`insertRows(${table}): every row needs the columns ${columns.join(', ')}`);
  for (const column of columns) if (record[column] === undefined) throw new Error(`insertRows(${table}): column ${column} missing in a row`);
}

/** PostgreSQL/CockroachDB: INSERTs the rows of the JSON array parameter, as rows of `table`'s type. */
function rowSetText<T extends keyof Database & string>(table: T, columns: string[], shift?: ShiftedColumns<T>): string {
  const list = columns.map(quotedIdentifier).join(', ');
  const rowSet = `json_populate_recordset(null::${quotedIdentifier(table)}, ?)`;
  if (!shift) return `insert into ${quotedIdentifier(table)} (${list}) select ${list} from ${rowSet}`;
  const by = shift.add as Record<string, string | undefined>;
  const shiftBy = (name: string) => (shift.unmatched === 'fails' ? `s.${quotedIdentifier(name)}` : `coalesce(s.${quotedIdentifier(name)}, 0)`);
  const values = columns.map((c) => `r.${quotedIdentifier(c)}${by[c] ? ` + ${shiftBy(by[c])}` : ''}`).join(', ');
  return `insert into ${quotedIdentifier(table)} (${list}) select ${values} from ${rowSet} as r left join ${quotedIdentifier(shift.write)} as s on s."id" = r.${quotedIdentifier(shift.key)}`;
}

/** SQLite: multi-row VALUES. */
function valuesText(table: string, columns: string[], rowCount: number): string {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  return `insert into ${quotedIdentifier(table)} (${columns.map(quotedIdentifier).join(', ')}) values ${Array(rowCount).fill(tuple).join(', ')}`;
}
