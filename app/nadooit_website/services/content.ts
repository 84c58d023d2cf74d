import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { HttpError } from '../../core/http/errors.js';
import type { Tx } from '../../core/db/transaction.js';
import { templateCache } from '../template.js';
import type { SignalOptionType } from '../models.js';
import '../models.js';

/** The original's name rule: keep letters and digits (any script) and `. _ - space`, drop everything else. */
export function sanitizeName(name: string): string {
  return name.replace(/[^\p{L}\p{N}._\- ]/gu, '').trim();
}

function requireName(name: string): string {
  const clean = sanitizeName(name);
  if (!clean) throw new HttpError(400, 'bad_request', 'The name must contain at least one letter or digit');
  return clean.slice(0, 200);
}

const now = () => new Date().toISOString();

export interface SectionInput {
  id?: string;
  name: string;
  html: string;
  videoId?: string | null;
  fileId?: string | null;
  isGreeting?: boolean;
}

export async function createSection(db: Tx, input: SectionInput): Promise<string> {
  const id = input.id ?? randomUUID();
  const at = now();
  await db
    .insertInto('web_sections')
    .values({ id, name: requireName(input.name), html: input.html, video_id: input.videoId ?? null, file_id: input.fileId ?? null, is_greeting: input.isGreeting ?? false, created_at: at, updated_at: at })
    .execute();
  return id;
}

/** Saves a section; its compiled template is dropped from the cache so the next page re-parses it once. */
export async function updateSection(db: Tx, id: string, input: Partial<SectionInput>): Promise<void> {
  const values: Record<string, unknown> = { updated_at: now() };
  if (input.name !== undefined) values.name = requireName(input.name);
  if (input.html !== undefined) values.html = input.html;
  if (input.videoId !== undefined) values.video_id = input.videoId;
  if (input.fileId !== undefined) values.file_id = input.fileId;
  if (input.isGreeting !== undefined) values.is_greeting = input.isGreeting;
  await db.updateTable('web_sections').set(values).where('id', '=', id).execute();
  templateCache.invalidate(id);
}

export interface PluginInput {
  id?: string;
  name: string;
  html: string;
}

export async function createPlugin(db: Tx, input: PluginInput): Promise<string> {
  const id = input.id ?? randomUUID();
  const at = now();
  await db.insertInto('web_plugins').values({ id, name: requireName(input.name), html: input.html, created_at: at, updated_at: at }).execute();
  return id;
}

export async function updatePlugin(db: Tx, id: string, input: Partial<PluginInput>): Promise<void> {
  const values: Record<string, unknown> = { updated_at: now() };
  if (input.name !== undefined) values.name = requireName(input.name);
  if (input.html !== undefined) values.html = input.html;
  await db.updateTable('web_plugins').set(values).where('id', '=', id).execute();
  templateCache.invalidate(id);
}

export async function createCategory(db: Tx, name: string): Promise<string> {
  const id = randomUUID();
  await db.insertInto('web_categories').values({ id, name: requireName(name), created_at: now() }).execute();
  return id;
}

export async function categoryIdsByName(db: Tx, names: string[]): Promise<string[]> {
  if (!names.length) return [];
  const rows = await db.selectFrom('web_categories').select(['id', 'name']).where('name', 'in', names).execute();
  return names.map((n) => rows.find((r) => r.name === n)?.id).filter((id): id is string => !!id);
}

export async function setSectionCategories(db: Tx, sectionId: string, categoryIds: string[]): Promise<void> {
  await db.deleteFrom('web_section_categories').where('section_id', '=', sectionId).execute();
  for (const categoryId of new Set(categoryIds)) {
    await db.insertInto('web_section_categories').values({ id: randomUUID(), section_id: sectionId, category_id: categoryId }).execute();
  }
}

/** Attaches tracking behaviours (by signal type, e.g. `revealed`, `vote`) to a section. */
export async function setSectionSignals(db: Tx, sectionId: string, types: SignalOptionType[]): Promise<void> {
  const options = types.length ? await db.selectFrom('web_signal_options').select(['id', 'signal_type']).where('signal_type', 'in', types).execute() : [];
  await db.deleteFrom('web_section_signal_options').where('section_id', '=', sectionId).execute();
  for (const option of options) {
    await db.insertInto('web_section_signal_options').values({ id: randomUUID(), section_id: sectionId, signal_option_id: option.id }).execute();
  }
}

export interface OrderInput {
  name: string;
  isActive?: boolean;
  sectionIds?: string[];
  pluginIds?: string[];
  systemKey?: string | null;
  parentOrderId?: string | null;
}

export async function createOrder(db: Tx, input: OrderInput): Promise<string> {
  const id = randomUUID();
  const at = now();
  await db
    .insertInto('web_section_orders')
    .values({ id, name: input.name.trim().slice(0, 200) || 'Reihenfolge', is_active: input.isActive ?? false, system_key: input.systemKey ?? null, parent_order_id: input.parentOrderId ?? null, created_at: at, updated_at: at })
    .execute();
  for (const sectionId of input.sectionIds ?? []) await appendOrderSection(db, id, sectionId);
  for (const pluginId of input.pluginIds ?? []) await appendOrderPlugin(db, id, pluginId);
  return id;
}

async function nextPosition(db: Tx, table: 'web_order_sections' | 'web_order_plugins', orderId: string): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select(sql<number | null>`max(position)`.as('max'))
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  return row?.max == null ? 0 : Number(row.max) + 1;
}

/** Adds a section at the end of an order (a section may appear more than once, as in the original). */
export async function appendOrderSection(db: Tx, orderId: string, sectionId: string, position?: number | null): Promise<string> {
  const id = randomUUID();
  const at = position ?? (await nextPosition(db, 'web_order_sections', orderId));
  await db.insertInto('web_order_sections').values({ id, order_id: orderId, section_id: sectionId, position: at }).execute();
  return id;
}

/** Adds a plugin after the order's other plugins. */
export async function appendOrderPlugin(db: Tx, orderId: string, pluginId: string, position?: number | null): Promise<string> {
  const id = randomUUID();
  const at = position ?? (await nextPosition(db, 'web_order_plugins', orderId));
  await db.insertInto('web_order_plugins').values({ id, order_id: orderId, plugin_id: pluginId, position: at }).execute();
  return id;
}

/** Moves one entry of an order up or down by swapping positions with its neighbour (no-op at the ends). */
export async function moveOrderEntry(db: Tx, table: 'web_order_sections' | 'web_order_plugins', id: string, direction: 'up' | 'down'): Promise<void> {
  const entry = await db.selectFrom(table).select(['id', 'order_id', 'position']).where('id', '=', id).executeTakeFirst();
  if (!entry) throw new HttpError(404, 'not_found', 'No such order entry');
  const siblings = await db.selectFrom(table).select(['id', 'position']).where('order_id', '=', entry.order_id).orderBy('position').orderBy('id').execute();
  // Renumber 0..n-1 first, so equal or sparse positions still move one step at a time.
  const index = siblings.findIndex((s) => s.id === id);
  const target = direction === 'up' ? index - 1 : index + 1;
  if (target < 0 || target >= siblings.length) return;
  const ordered = siblings.map((s) => s.id);
  [ordered[index], ordered[target]] = [ordered[target]!, ordered[index]!];
  for (const [position, rowId] of ordered.entries()) {
    if (siblings.find((s) => s.id === rowId)!.position !== position) await db.updateTable(table).set({ position }).where('id', '=', rowId).execute();
  }
  await db.updateTable('web_section_orders').set({ updated_at: now() }).where('id', '=', entry.order_id).execute();
}

export async function orderSectionIds(db: Tx, orderId: string): Promise<string[]> {
  const rows = await db.selectFrom('web_order_sections').select('section_id').where('order_id', '=', orderId).orderBy('position').orderBy('id').execute();
  return rows.map((r) => r.section_id);
}

export async function orderPluginIds(db: Tx, orderId: string): Promise<string[]> {
  const rows = await db.selectFrom('web_order_plugins').select('plugin_id').where('order_id', '=', orderId).orderBy('position').orderBy('id').execute();
  return rows.map((r) => r.plugin_id);
}

/** The fresh-install page: a built-in welcome section in an order the system owns (made once, race-safe). */
export const WELCOME_KEY = 'builtin:welcome';
export const WELCOME_HTML = `<section class="web-welcome py-5">
  <div class="container">
    <h1 class="display-5 fw-bold">Willkommen bei NADOOIT</h1>
    <p class="fs-5">Individuelle Softwarelösungen und digitale Mitarbeiter, die Ihre Prozesse automatisieren.</p>
    <p>Diese Seite wird aus Abschnitten zusammengesetzt, die im Admin unter <em>Webseite</em> gepflegt werden.</p>
  </div>
</section>`;

export async function ensureWelcomeOrder(db: Tx): Promise<string> {
  const existing = await db.selectFrom('web_section_orders').select('id').where('system_key', '=', WELCOME_KEY).executeTakeFirst();
  if (existing) return existing.id;
  const at = now();
  const id = randomUUID();
  const inserted = await db
    .insertInto('web_section_orders')
    .values({ id, name: 'Willkommen (eingebaut)', is_active: true, system_key: WELCOME_KEY, parent_order_id: null, created_at: at, updated_at: at })
    .onConflict((oc) => oc.column('system_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    return (await db.selectFrom('web_section_orders').select('id').where('system_key', '=', WELCOME_KEY).executeTakeFirstOrThrow()).id;
  }
  const sectionId = await createSection(db, { name: 'Willkommen', html: WELCOME_HTML, isGreeting: true });
  await setSectionSignals(db, sectionId, ['revealed']);
  await appendOrderSection(db, id, sectionId);
  return id;
}
