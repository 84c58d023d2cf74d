import { randomUUID } from 'node:crypto';
import type { DB } from '../db/connection.js';
import type { Tx } from '../db/transaction.js';
import type { Language } from '../ui/i18n.js';
import { untyped } from './query.js';
import { primaryKey } from './site.js';
import type { AdminSite } from './site.js';
import type { AdminResource, Row } from './types.js';

/** Columns the admin reads for a row: primary key, every declared field and the title's columns. */
export function rowColumns(resource: AdminResource): string[] {
  return [...new Set([primaryKey(resource), ...resource.fields.filter((f) => !f.virtual).map((f) => f.name), ...resource.title.columns])];
}

export async function loadRow(db: Tx, resource: AdminResource, id: string): Promise<Row | undefined> {
  return (await untyped(db as DB)
    .selectFrom(resource.table)
    .select(rowColumns(resource))
    .where(primaryKey(resource), '=', id)
    .executeTakeFirst()) as Row | undefined;
}

export async function loadRows(db: Tx, resource: AdminResource, ids: string[]): Promise<Row[]> {
  if (ids.length === 0) return [];
  return (await untyped(db as DB)
    .selectFrom(resource.table)
    .select(rowColumns(resource))
    .where(primaryKey(resource), 'in', ids)
    .execute()) as Row[];
}

/** A row's name as people read it (Django's __str__), never empty. */
export function titleOf(resource: AdminResource, row: Row, language: Language): string {
  const formatted = resource.title.format
    ? resource.title.format(row, language)
    : resource.title.columns
        .map((c) => row[c])
        .filter((v) => v !== null && v !== undefined && v !== '')
        .join(' ');
  return formatted.trim() || String(row[primaryKey(resource)] ?? '');
}

/** Names of the given rows of a resource, in one query. */
export async function titlesFor(db: DB, resource: AdminResource, ids: string[], language: Language): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter((id) => typeof id === 'string' && id !== ''))];
  if (resource.title.load && unique.length) {
    const loaded = await resource.title.load(db, unique, language);
    if (loaded.size) return loaded;
  }
  const out = new Map<string, string>();
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    const rows = (await untyped(db)
      .selectFrom(resource.table)
      .select([...new Set([primaryKey(resource), ...resource.title.columns])])
      .where(primaryKey(resource), 'in', chunk)
      .execute()) as Row[];
    for (const row of rows) out.set(String(row[primaryKey(resource)]), titleOf(resource, row, language));
  }
  return out;
}

/** The names of rows already loaded (the resource's `load` when it has one, else its columns). */
export async function titlesOfRows(db: DB, resource: AdminResource, rows: Row[], language: Language): Promise<string[]> {
  const pk = primaryKey(resource);
  const loaded = resource.title.load ? await titlesFor(db, resource, rows.map((r) => String(r[pk])), language) : null;
  return rows.map((row) => loaded?.get(String(row[pk])) ?? titleOf(resource, row, language));
}

/** For each relation column shown, the titles of the referenced rows (one query per column). */
export async function relationTitles(
  db: DB,
  site: AdminSite,
  resource: AdminResource,
  rows: Row[],
  columns: string[],
  language: Language,
): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  for (const name of columns) {
    const field = resource.fields.find((f) => f.name === name);
    if (field?.type !== 'relation' || !field.relation) continue;
    const target = site.get(field.relation.resource)!;
    out.set(name, await titlesFor(db, target, rows.map((r) => r[name] as string), language));
  }
  return out;
}

/** A row as the audit log stores it: declared fields only, secrets masked. */
export function snapshot(resource: AdminResource, row: Row | undefined): Row | null {
  if (!row) return null;
  const out: Row = { [primaryKey(resource)]: row[primaryKey(resource)] };
  for (const field of resource.fields) {
    if (field.virtual || !(field.name in row)) continue;
    out[field.name] = field.sensitive ? (row[field.name] === null ? null : '***') : row[field.name];
  }
  return out;
}

/** The names of the fields whose values differ between two snapshots. */
export function changedFields(before: Row | null, after: Row | null): string[] {
  const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...names].filter((n) => JSON.stringify(before?.[n] ?? null) !== JSON.stringify(after?.[n] ?? null));
}

/** The generic insert: a new UUID, the resource's defaults, the form values and timestamps. */
/** Form values without the virtual inputs (which are not columns). */
function columnsOnly(resource: AdminResource, values: Row): Row {
  const virtual = new Set(resource.fields.filter((f) => f.virtual).map((f) => f.name));
  return Object.fromEntries(Object.entries(values).filter(([k]) => !virtual.has(k)));
}

export async function insertRow(tx: Tx, resource: AdminResource, values: Row): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  const stamps = resource.timestamps ?? 'both';
  const row: Row = {
    ...(resource.defaults?.() ?? {}),
    ...columnsOnly(resource, values),
    [primaryKey(resource)]: id,
    ...(stamps !== 'none' ? { created_at: now } : {}),
    ...(stamps === 'both' ? { updated_at: now } : {}),
  };
  await untyped(tx as DB).insertInto(resource.table).values(row).execute();
  return id;
}

export async function updateRow(tx: Tx, resource: AdminResource, id: string, values: Row): Promise<void> {
  const set: Row = columnsOnly(resource, values);
  if ((resource.timestamps ?? 'both') === 'both') set.updated_at = new Date().toISOString();
  if (Object.keys(set).length === 0) return;
  await untyped(tx as DB).updateTable(resource.table).set(set).where(primaryKey(resource), '=', id).execute();
}

export async function deleteRows(tx: Tx, resource: AdminResource, ids: string[]): Promise<void> {
  if (ids.length) await untyped(tx as DB).deleteFrom(resource.table).where(primaryKey(resource), 'in', ids).execute();
}

/** Turns a unique/foreign-key violation into a message for the form (field-level when the column is known). */
export function constraintErrors(error: unknown, resource: AdminResource): { field: string | null; kind: 'unique' | 'constraint' } | null {
  const e = error as { code?: string; message?: string; detail?: string; constraint?: string };
  const text = `${e.message ?? ''} ${e.detail ?? ''} ${e.constraint ?? ''}`;
  const unique = e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  const other = e.code === '23503' || e.code === '23514' || e.code === '23502' || (typeof e.code === 'string' && e.code.startsWith('SQLITE_CONSTRAINT'));
  if (!unique && !other) return null;
  const field = resource.fields.find((f) => new RegExp(`\\b${resource.table}\\.${f.name}\\b|\\(${f.name}\\)|\\b${f.name}\\b`).test(text));
  return { field: field?.name ?? null, kind: unique ? 'unique' : 'constraint' };
}
