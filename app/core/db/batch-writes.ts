import { CompiledQuery } from 'kysely';
import { flavorOf } from './connection.js';
import type { DB } from './connection.js';
import type { Flavor } from './dialects/columns.js';
import { keepPlan } from './dialects/postgres.js';
import type { Tx } from './transaction.js';
import { writeWatchOf } from './write-watch.js';

/**
 * One write of a group-commit flush: an INSERT (possibly an upsert) or an UPDATE without RETURNING, its SQL
 * written with `?` placeholders (and no other `?`), its values in order.
 */
export interface BatchWrite {
  table: string;
  kind: 'insert' | 'update';
  text: string;
  parameters: unknown[];
}

/** Parameters per statement: SQLite allows 32,766, PostgreSQL 65,535. */
export const MAX_PARAMETERS = 30_000;

/**
 * Runs the writes of a flush in order. On PostgreSQL/CockroachDB they are joined into as few statements as
 * possible — `with w1 as (…), w2 as (…) <last>`, data-modifying CTEs, each executed exactly once — so a
 * flush costs one round trip instead of one per write; every statement stays within MAX_PARAMETERS and
 * writes each table at most once (CockroachDB refuses a statement that modifies a table twice). SQLite has
 * no such CTEs and no round trips to save: each write runs alone. Call it inside a transaction: a failing
 * statement leaves the others' writes to the rollback. The write watch counts each write as Kysely's would.
 *
 * Lock order: PostgreSQL runs a statement's primary part (the last write of the group) first and the CTEs
 * after it, in no promised order. So a write whose row lock other transactions take first — an account
 * row, say — goes last, and a flush holds that lock before any other, as they do.
 */
export async function executeWrites(db: Tx, writes: readonly BatchWrite[]): Promise<void> {
  const flavor = flavorOf(db as DB);
  const statements = statementsOf(writes, flavor);
  count(db, writes);
  await run(db, statements, flavor);
}

/**
 * The writes as ONE statement, for use outside a transaction (a statement is atomic by itself): counted by
 * the write watch now, sent when the returned function is called; null, with nothing done, when they need
 * more than one statement.
 */
export function writesAtOnce(db: Tx, writes: readonly BatchWrite[]): (() => Promise<void>) | null {
  const flavor = flavorOf(db as DB);
  const statements = statementsOf(writes, flavor);
  if (statements.length > 1) return null;
  count(db, writes);
  return () => run(db, statements, flavor);
}

/** Sends the statements in order. A joined flush's text does not change with its rows: PostgreSQL keeps its plan. */
async function run(db: Tx, statements: Statement[], flavor: Flavor): Promise<void> {
  for (const statement of statements) {
    if (flavor !== 'sqlite') keepPlan(statement.text);
    await db.executeQuery(CompiledQuery.raw(statement.text, statement.parameters));
  }
}

/** As Kysely's builder does (write-watch.ts): before the statement goes out. */
function count(db: Tx, writes: readonly BatchWrite[]): void {
  const watch = writeWatchOf(db);
  for (const write of writes) {
    if (write.kind === 'insert') watch.inserted(write.table);
    else watch.updated(write.table);
  }
}

export interface Statement {
  text: string;
  parameters: unknown[];
}

/** The statements executeWrites sends (exported for its tests). */
export function statementsOf(writes: readonly BatchWrite[], flavor: Flavor): Statement[] {
  if (flavor === 'sqlite') return writes.map((write) => ({ text: write.text, parameters: write.parameters }));
  const groups: BatchWrite[][] = [];
  let group: BatchWrite[] = [];
  let parameters = 0;
  for (const write of writes) {
    const full = parameters + write.parameters.length > MAX_PARAMETERS || group.some((other) => other.table === write.table);
    if (group.length && full) {
      groups.push(group);
      group = [];
      parameters = 0;
    }
    group.push(write);
    parameters += write.parameters.length;
  }
  if (group.length) groups.push(group);
  return groups.map(joined);
}

function joined(group: BatchWrite[]): Statement {
  let n = 0;
  const numbered = (text: string) => text.replace(/\?/g, () => `$${++n}`);
  const last = group.length - 1;
  const ctes = group.slice(0, last).map((write, i) => `w${i + 1} as (${numbered(write.text)})`);
  const main = numbered(group[last]!.text);
  return { text: ctes.length ? `with ${ctes.join(', ')} ${main}` : main, parameters: group.flatMap((write) => write.parameters) };
}
