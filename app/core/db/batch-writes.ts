import { CompiledQuery } from 'kysely';
import { flavorOf } from './connection.js';
import type { DB } from './connection.js';
import type { Flavor } from './dialects/columns.js';
import { keepPlan } from './dialects/postgres.js';
import type { Tx } from './transaction.js';
import { writeWatchOf } from './write-watch.js';

/**
 * One write of a group-commit flush: an INSERT (possibly an upsert) or an UPDATE, its SQL written with `?`
 * placeholders (and no other `?`), its values in order. `name` (PostgreSQL/CockroachDB) makes it a CTE of
 * that name, which later writes of the statement and the flush's result query may read (its RETURNING).
 */
export interface BatchWrite {
  table: string;
  kind: 'insert' | 'update';
  text: string;
  parameters: unknown[];
  name?: string;
}

/**
 * What the writes of one statement hand back (PostgreSQL/CockroachDB): a query over the named writes'
 * RETURNING, run as the statement's primary part — so those writes run first and before every other write
 * of the statement (batch-writes.ts, lock order).
 */
export type FlushResult = string;

export type ResultRow = Record<string, unknown>;

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
 * Lock order: PostgreSQL runs a statement's primary part (the last write of the group, or the `result`
 * query) first, with the CTEs it reads, and the other CTEs after it, in no promised order. So a write whose
 * row lock other transactions take first — an account row, say — goes last, or is read by the result, and
 * a flush holds that lock before any other, as they do.
 *
 * `result` (PostgreSQL/CockroachDB only): the writes must fit ONE statement, whose rows are returned.
 */
export async function executeWrites(db: Tx, writes: readonly BatchWrite[], result?: FlushResult): Promise<ResultRow[]> {
  const flavor = flavorOf(db as DB);
  const statements = statementsOf(writes, flavor, result);
  count(db, writes);
  return run(db, statements, flavor);
}

/**
 * The writes as ONE statement, for use outside a transaction (a statement is atomic by itself): counted by
 * the write watch now, sent when the returned function is called; null, with nothing done, when they need
 * more than one statement.
 */
export function writesAtOnce(db: Tx, writes: readonly BatchWrite[], result?: FlushResult): (() => Promise<ResultRow[]>) | null {
  const flavor = flavorOf(db as DB);
  if ((flavor === 'sqlite' ? writes.length : groupsOf(writes).length) > 1) return null;
  const statements = statementsOf(writes, flavor, result);
  count(db, writes);
  return () => run(db, statements, flavor);
}

/** Sends the statements in order; the last one's rows. A joined flush's text does not change with its rows: PostgreSQL keeps its plan. */
async function run(db: Tx, statements: Statement[], flavor: Flavor): Promise<ResultRow[]> {
  let rows: ResultRow[] = [];
  for (const statement of statements) {
    if (flavor !== 'sqlite') keepPlan(statement.text);
    rows = (await db.executeQuery<ResultRow>(CompiledQuery.raw(statement.text, statement.parameters))).rows as ResultRow[];
  }
  return rows;
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
export function statementsOf(writes: readonly BatchWrite[], flavor: Flavor, result?: FlushResult): Statement[] {
  const readsOthers = result !== undefined || writes.some((write) => write.name);
  if (flavor === 'sqlite') {
    if (readsOthers) throw new Error('SQLite runs each write alone: no named writes, no result query');
    return writes.map((write) => ({ text: write.text, parameters: write.parameters }));
  }
  const groups = groupsOf(writes);
  if (groups.length > 1 && readsOthers) throw new Error('writes that read each other or return a result must fit one statement');
  return groups.map((group) => joined(group, result));
}

/** Consecutive writes that fit one statement: within MAX_PARAMETERS, each table once. */
function groupsOf(writes: readonly BatchWrite[]): BatchWrite[][] {
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
  return groups;
}

function joined(group: BatchWrite[], result?: FlushResult): Statement {
  return { text: joinedText(group, result), parameters: group.flatMap((write) => write.parameters) };
}

/**
 * A flush's statement text, made once per sequence of write names, texts and result, and handed out as the
 * same string after that: no batch numbers the placeholders or copies the texts again (a few kilobytes of
 * garbage per batch, measured), and PostgreSQL's kept plan (dialects/postgres.ts) is found by identity. The
 * lookup walks one map level per part: the parts are the same strings batch after batch (insert-rows.ts
 * hands out its texts that way), whose hashes the engine keeps, so no key is built.
 */
interface JoinedTexts {
  next: Map<string, JoinedTexts>;
  text?: string;
}
let joinedTexts: JoinedTexts = { next: new Map() };
let joinedCount = 0;
const MAX_JOINED_TEXTS = 1000;

function joinedText(group: BatchWrite[], result?: FlushResult): string {
  if (joinedCount >= MAX_JOINED_TEXTS) [joinedTexts, joinedCount] = [{ next: new Map() }, 0];
  let node = joinedTexts;
  const step = (part: string) => {
    let child = node.next.get(part);
    if (!child) node.next.set(part, (child = { next: new Map() }));
    node = child;
  };
  step(result ?? '');
  for (const write of group) {
    step(write.name ?? '');
    step(write.text);
  }
  if (node.text === undefined) {
    let n = 0;
    const numbered = (part: string) => part.replace(/\?/g, () => `$${++n}`);
    const inCtes = result === undefined ? group.slice(0, -1) : group;
    const ctes = inCtes.map((write, i) => `${write.name ? quotedIdentifier(write.name) : `w${i + 1}`} as (${numbered(write.text)})`);
    const main = result ?? numbered(group.at(-1)!.text);
    node.text = ctes.length ? `with ${ctes.join(', ')} ${main}` : main;
    joinedCount++;
  }
  return node.text;
}

/** `"name"` after checking that it is a plain identifier (the texts here are built from code, never from input). */
export function quotedIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`${name} is not a plain identifier`);
  return `"${name}"`;
}
