import type { Transaction } from 'kysely';
import type { Settings } from '../config.js';
import type { Database } from '../db/schema.js';
import { LegacyValueError } from './values.js';
import type { LegacyRow, LegacySource } from './source.js';

/** A legacy row that was not taken over, and why. */
export interface RowProblem {
  legacyTable: string;
  legacyId: string;
  reason: string;
}

/** What happened to one target table. */
export interface TargetOutcome {
  target: string;
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Links removed because the original no longer has them (re-import). */
  removed: number;
  skipped: RowProblem[];
  /** Rows taken over with a change the operator should know about. */
  notes: string[];
}

export class ImportReport {
  readonly outcomes = new Map<string, TargetOutcome>();

  outcome(target: string): TargetOutcome {
    let outcome = this.outcomes.get(target);
    if (!outcome) {
      outcome = { target, read: 0, created: 0, updated: 0, unchanged: 0, removed: 0, skipped: [], notes: [] };
      this.outcomes.set(target, outcome);
    }
    return outcome;
  }

  get problems(): RowProblem[] {
    return [...this.outcomes.values()].flatMap((o) => o.skipped);
  }

  get changes(): number {
    return [...this.outcomes.values()].reduce((sum, o) => sum + o.created + o.updated + o.removed, 0);
  }
}

export interface ProgressSink {
  tick(amount?: number): void;
  finish(): void;
}

/** What every import step gets: the source, the open transaction of its app, and the shared report. */
export interface LegacyImportContext {
  source: LegacySource;
  tx: Transaction<Database>;
  report: ImportReport;
  /** The original's MEDIA_ROOT, when the operator gave it (media files are copied from there). */
  mediaDir: string | null;
  /** A dry run: the transaction is rolled back, so steps must not touch anything outside the database either. */
  dryRun: boolean;
  /** Queues a background job with the app's transaction (sent when it commits, never in a dry run). */
  enqueue(task: string, payload: unknown, options?: { uniqueKey?: string }): Promise<void>;
  /** The moment of the import, for rows that need a time the original did not store. */
  now: string;
  /** The system's settings (e.g. the key that encrypts imported bot tokens); null when the caller gave none. */
  settings: Settings | null;
  progress(label: string, total: number): ProgressSink;
  /** Ids written (or found) per target table, so later steps can check their references before writing. */
  known(target: string): Set<string>;
  /** Values that steps of later apps need (e.g. legacy employee id → user id), by name. */
  shared: Map<string, unknown>;
}

export interface LegacyImportStep {
  /** The table this step writes; the report is kept per target. */
  target: string;
  /** The legacy tables it reads (the dry run lists them with their row counts). */
  reads: string[];
  run(context: LegacyImportContext): Promise<void>;
}

/** One app's part of the import: its steps in dependency order, run in one transaction. */
export interface LegacyAppImport {
  app: string;
  steps: LegacyImportStep[];
}

type Row = Record<string, unknown>;

export interface TableImport {
  legacyTable: string;
  target: string;
  /** The legacy primary key column (paging order and the id in problem reports). */
  legacyKey?: string;
  /** Maps one legacy row; throws LegacyValueError for a row that cannot be taken over. */
  map(row: LegacyRow, context: LegacyImportContext): Row | Promise<Row>;
  /** Runs after the rows were written (e.g. to derive counters). */
  after?(context: LegacyImportContext): Promise<void>;
  /** Columns written only when the row is created: never compared, never overwritten by a later import. */
  insertOnly?: string[];
}

const BATCH = 500;

/**
 * Reads every row of a legacy table, maps it and writes it by id: new rows are inserted, changed rows
 * updated, equal rows left alone — so importing the same source again changes nothing. A row that cannot
 * be mapped is reported and skipped; the others are written.
 */
export function tableImport(spec: TableImport): LegacyImportStep {
  return {
    target: spec.target,
    reads: [spec.legacyTable],
    async run(context) {
      const outcome = context.report.outcome(spec.target);
      const key = spec.legacyKey ?? 'id';
      const progress = context.progress(`${spec.legacyTable} → ${spec.target}`, await context.source.count(spec.legacyTable));
      let batch: Row[] = [];
      for await (const legacy of context.source.rows(spec.legacyTable, { key })) {
        outcome.read++;
        try {
          batch.push(await spec.map(legacy, context));
        } catch (error) {
          if (!(error instanceof LegacyValueError)) throw error;
          outcome.skipped.push({ legacyTable: spec.legacyTable, legacyId: String(legacy[key]), reason: error.message });
        }
        progress.tick();
        if (batch.length >= BATCH) {
          await writeById(context, spec.target, batch, spec.insertOnly);
          batch = [];
        }
      }
      await writeById(context, spec.target, batch, spec.insertOnly);
      await spec.after?.(context);
      progress.finish();
    },
  };
}

/** Inserts the rows that are new and updates those that differ, by `id`; counts into the report. */
export async function writeById(context: LegacyImportContext, target: string, rows: Row[], insertOnly: string[] = []): Promise<void> {
  if (!rows.length) return;
  const outcome = context.report.outcome(target);
  const known = context.known(target);
  // The table name comes from the owning app's import step; this is the generic write it shares.
  const tx = context.tx as unknown as Transaction<Record<string, Row>>;
  const existing = new Map<string, Row>();
  const found = await tx.selectFrom(target).selectAll().where('id', 'in', rows.map((r) => r.id as string)).execute();
  for (const row of found) existing.set(String(row.id), row);
  for (const row of rows) {
    const id = String(row.id);
    const before = existing.get(id);
    if (!before) {
      await tx.insertInto(target).values(row).execute();
      outcome.created++;
    } else if (differs(before, row, insertOnly)) {
      const changes = Object.fromEntries(Object.entries(row).filter(([column]) => column !== 'id' && !insertOnly.includes(column)));
      await tx.updateTable(target).set(changes).where('id', '=', id).execute();
      outcome.updated++;
    } else outcome.unchanged++;
    known.add(id);
  }
}

function differs(before: Row, after: Row, ignore: string[]): boolean {
  for (const [column, value] of Object.entries(after)) {
    if (ignore.includes(column)) continue;
    if (!sameValue(before[column], value)) return true;
  }
  return false;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'number' || typeof b === 'number' || typeof a === 'bigint' || typeof b === 'bigint') return Number(a) === Number(b);
  if (typeof a === 'boolean' || typeof b === 'boolean') return Boolean(Number(a) || a === true) === Boolean(Number(b) || b === true);
  return String(a) === String(b);
}

/**
 * The id for a legacy row whose thing this system may already hold under its own id (a row a migration
 * seeds, or one that arrived live under a unique natural key): the existing row's id, else `fallback`.
 */
export async function existingIdOr(context: LegacyImportContext, target: string, naturalKey: Row, fallback: string): Promise<string> {
  const tx = context.tx as unknown as Transaction<Record<string, Row>>;
  let query = tx.selectFrom(target).select('id');
  for (const [column, value] of Object.entries(naturalKey)) query = query.where(column, '=', value);
  const found = await query.executeTakeFirst();
  return found ? String(found.id) : fallback;
}

/** A value computed once per import run and read by later steps (e.g. legacy id → id), kept in `shared`. */
export function perRun<V>(context: LegacyImportContext, name: string, make: () => V): V {
  if (!context.shared.has(name)) context.shared.set(name, make());
  return context.shared.get(name) as V;
}

/** A legacy table this system has nowhere to put (yet): every row is reported with the reason, nothing written. */
export function notImported(legacyTable: string, target: string, reason: string, legacyKey = 'id'): LegacyImportStep {
  return {
    target,
    reads: [legacyTable],
    async run(context) {
      const outcome = context.report.outcome(target);
      for await (const row of context.source.rows(legacyTable, { key: legacyKey })) {
        outcome.read++;
        outcome.skipped.push({ legacyTable, legacyId: String(row[legacyKey]), reason });
      }
    },
  };
}

/** Throws the reason a row cannot be imported when a row it refers to was not imported. */
export function requireKnown(context: LegacyImportContext, target: string, id: string | null, what: string): void {
  if (id !== null && !context.known(target).has(id)) throw new LegacyValueError(`${what} ${id} was not imported`);
}

export interface LinkImport {
  legacyTable: string;
  target: string;
  /** The column naming the owner whose set of links the original holds (e.g. the manager). */
  ownerColumn: string;
  /** The table of the owners: every owner imported there gets exactly the original's links (maybe none). */
  ownerTarget: string;
  /** The other end of the link. */
  otherColumn: string;
  /** Maps one legacy link row to [owner id, other id]; throws LegacyValueError when it cannot be taken over. */
  map(row: LegacyRow, context: LegacyImportContext): [string, string];
}

/**
 * A many-to-many table: for every owner the import knows, the links become exactly the original's —
 * missing ones are added, ones the original no longer has are removed.
 */
export function linkImport(spec: LinkImport): LegacyImportStep {
  return {
    target: spec.target,
    reads: [spec.legacyTable],
    async run(context) {
      const outcome = context.report.outcome(spec.target);
      const wanted = new Map<string, Set<string>>();
      for await (const legacy of context.source.rows(spec.legacyTable)) {
        outcome.read++;
        try {
          const [owner, other] = spec.map(legacy, context);
          requireKnown(context, spec.ownerTarget, owner, 'owner');
          if (!wanted.has(owner)) wanted.set(owner, new Set());
          wanted.get(owner)!.add(other);
        } catch (error) {
          if (!(error instanceof LegacyValueError)) throw error;
          outcome.skipped.push({ legacyTable: spec.legacyTable, legacyId: String(legacy.id), reason: error.message });
        }
      }
      const tx = context.tx as unknown as Transaction<Record<string, Row>>;
      for (const owner of context.known(spec.ownerTarget)) {
        const others = wanted.get(owner) ?? new Set<string>();
        const present = await tx.selectFrom(spec.target).select(spec.otherColumn).where(spec.ownerColumn, '=', owner).execute();
        const have = new Set(present.map((r) => String(r[spec.otherColumn])));
        for (const other of others) {
          if (have.has(other)) outcome.unchanged++;
          else {
            await tx.insertInto(spec.target).values({ [spec.ownerColumn]: owner, [spec.otherColumn]: other }).execute();
            outcome.created++;
          }
        }
        const gone = [...have].filter((other) => !others.has(other));
        if (gone.length) {
          await tx.deleteFrom(spec.target).where(spec.ownerColumn, '=', owner).where(spec.otherColumn, 'in', gone).execute();
          outcome.removed += gone.length;
        }
      }
    },
  };
}
