import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DB } from '../../core/db/connection.js';
import { candidateOrderIds } from './experiment.js';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { SIGNAL_OPTION_TYPES } from '../models.js';
import type { SignalOptionType } from '../models.js';
import { templateCache } from '../template.js';
import { appendOrderPlugin, appendOrderSection, categoryIdsByName, createOrder, sanitizeName, setSectionCategories, setSectionSignals } from './content.js';

/**
 * The original's on-disk template format (A.10), read and written compatibly:
 *
 *   <dir>/sections_templates/<Name>.html   the section's HTML
 *   <dir>/sections_templates/<Name>.json   {"section_id","name","html","video","file","greeting_sction"} (strings)
 *   <dir>/plugins_templates/<Name>.html    the plugin's HTML
 *   <dir>/plugins_templates/<Name>.json    {"id","name","html"}
 *
 * Our export adds "categories" and "signal_options" (lists) so a round trip loses nothing; the original's
 * files without them import unchanged. Identity: the JSON's id (a UUID is our id; anything else, like the
 * original's integer plugin ids, is remembered as source_id, and our export adds "uuid" beside it), else
 * the name.
 */
/** The order an import makes when the site has no active order of its own yet. */
export const FIRST_IMPORT_ORDER = 'Startseite';
export const SECTIONS_DIR = 'sections_templates';
export const PLUGINS_DIR = 'plugins_templates';

type Kind = 'section' | 'plugin';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What an import compares and what an admin edit changes: name, HTML, greeting flag. */
export function contentHash(name: string, html: string, isGreeting = false): string {
  return createHash('sha256').update(`${name}\u0000${html}\u0000${isGreeting ? 1 : 0}`).digest('hex');
}

/** The original's file name rule: spaces to `_`, then only letters, digits and `._- `. */
export function templateFileName(name: string): string {
  return name.replaceAll(' ', '_').replace(/[^\p{L}\p{N}._\- ]/gu, '') || 'unnamed';
}

// ---------------------------------------------------------------------------------------------- export

export interface ExportResult {
  sections: number;
  plugins: number;
  files: string[];
}

async function uniqueName(used: Set<string>, name: string, id: string): Promise<string> {
  let file = templateFileName(name);
  if (used.has(file.toLowerCase())) file = `${file}_${id.slice(0, 8)}`;
  used.add(file.toLowerCase());
  return file;
}

/** Writes every section and plugin; the rows remember what was written, so later admin edits are recognised. */
export async function exportTemplates(db: DB, dir: string, progress: (line: string) => void = () => {}): Promise<ExportResult> {
  const files: string[] = [];
  await mkdir(path.join(dir, SECTIONS_DIR), { recursive: true });
  await mkdir(path.join(dir, PLUGINS_DIR), { recursive: true });
  const sections = await db.selectFrom('web_sections').selectAll().orderBy('name').orderBy('id').execute();
  const links = await db
    .selectFrom('web_section_categories as l')
    .innerJoin('web_categories as c', 'c.id', 'l.category_id')
    .select(['l.section_id', 'c.name'])
    .orderBy('c.name')
    .execute();
  const signals = await db
    .selectFrom('web_section_signal_options as l')
    .innerJoin('web_signal_options as o', 'o.id', 'l.signal_option_id')
    .select(['l.section_id', 'o.signal_type'])
    .orderBy('o.signal_type')
    .execute();
  const plugins = await db.selectFrom('web_plugins').selectAll().orderBy('name').orderBy('id').execute();
  const total = sections.length + plugins.length;
  let done = 0;
  const used = new Set<string>();
  for (const s of sections) {
    const file = await uniqueName(used, s.name, s.id);
    const json = {
      section_id: s.id,
      name: s.name,
      html: s.html,
      video: s.video_id ?? 'None',
      file: s.file_id ?? 'None',
      greeting_sction: s.is_greeting ? 'True' : 'False',
      categories: links.filter((l) => l.section_id === s.id).map((l) => l.name),
      signal_options: signals.filter((l) => l.section_id === s.id).map((l) => l.signal_type),
    };
    await writeFile(path.join(dir, SECTIONS_DIR, `${file}.html`), s.html);
    await writeFile(path.join(dir, SECTIONS_DIR, `${file}.json`), `${JSON.stringify(json, null, 4)}\n`);
    await db.updateTable('web_sections').set({ synced_hash: contentHash(s.name, s.html, s.is_greeting) }).where('id', '=', s.id).execute();
    files.push(`${SECTIONS_DIR}/${file}.html`);
    progress(`[${++done}/${total}] ${SECTIONS_DIR}/${file}.html`);
  }
  used.clear();
  for (const p of plugins) {
    const file = await uniqueName(used, p.name, p.id);
    const json = { id: p.source_id ?? p.id, name: p.name, html: p.html, ...(p.source_id ? { uuid: p.id } : {}) };
    await writeFile(path.join(dir, PLUGINS_DIR, `${file}.html`), p.html);
    await writeFile(path.join(dir, PLUGINS_DIR, `${file}.json`), `${JSON.stringify(json, null, 4)}\n`);
    await db.updateTable('web_plugins').set({ synced_hash: contentHash(p.name, p.html) }).where('id', '=', p.id).execute();
    files.push(`${PLUGINS_DIR}/${file}.html`);
    progress(`[${++done}/${total}] ${PLUGINS_DIR}/${file}.html`);
  }
  return { sections: sections.length, plugins: plugins.length, files };
}

// ---------------------------------------------------------------------------------------------- import

export type ImportAction = 'created' | 'updated' | 'unchanged' | 'conflict' | 'overwritten' | 'failed';

export interface ImportEntry {
  file: string;
  kind: Kind;
  /** The row the file maps to (also for conflicts and dry runs). */
  id: string;
  name: string;
  action: ImportAction;
  note?: string;
}

export interface ImportResult {
  entries: ImportEntry[];
  /** Files and folders that were skipped (unknown folder, unreadable JSON …). */
  warnings: string[];
  counts: Record<ImportAction, number>;
}

export interface ImportOptions {
  dryRun?: boolean;
  /** Overwrite rows an admin edited since the last import/export. */
  force?: boolean;
  /** Also put every imported section (greetings first) and plugin into the active order of this name. */
  order?: string;
  progress?: (line: string) => void;
}

/** A template as read from disk, normalised. */
interface TemplateFile {
  file: string;
  kind: Kind;
  /** Our id (a UUID from section_id / id, or the "uuid" our export adds for plugins with an integer id). */
  id: string | null;
  /** A file id that is not a UUID (the original's integer plugin ids). */
  sourceId: string | null;
  name: string;
  html: string;
  isGreeting: boolean;
  videoId: string | null;
  fileId: string | null;
  categories: string[] | null;
  signalOptions: SignalOptionType[] | null;
}

/** UTF-8 (BOM removed), falling back to Latin-1 for files from old editors. */
function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

const asString = (value: unknown): string | null => (value === undefined || value === null ? null : String(value));
const isNone = (value: string | null) => value === null || value === '' || value === 'None';

function stringList(value: unknown): string[] | null {
  return Array.isArray(value) ? value.map(String) : null;
}

async function walk(dir: string, warnings: string[], root = dir): Promise<string[]> {
  const found: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(full, warnings, root)));
    else if (entry.isFile() && entry.name.endsWith('.html')) {
      const parent = path.basename(path.dirname(full));
      if (parent === SECTIONS_DIR || parent === PLUGINS_DIR) found.push(full);
      else warnings.push(`skipped ${path.relative(root, full)}: not in ${SECTIONS_DIR}/ or ${PLUGINS_DIR}/`);
    }
  }
  return found;
}

async function readTemplate(root: string, htmlPath: string, warnings: string[]): Promise<TemplateFile> {
  const kind: Kind = path.basename(path.dirname(htmlPath)) === SECTIONS_DIR ? 'section' : 'plugin';
  const stem = path.basename(htmlPath, '.html');
  const file = path.relative(root, htmlPath);
  const html = decode(await readFile(htmlPath));
  let meta: Record<string, unknown> = {};
  const jsonPath = htmlPath.slice(0, -'.html'.length) + '.json';
  try {
    meta = JSON.parse(decode(await readFile(jsonPath))) as Record<string, unknown>;
    if (!meta || typeof meta !== 'object' || Array.isArray(meta)) throw new Error('not an object');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warnings.push(`${path.relative(root, jsonPath)}: unreadable (${(error as Error).message}); imported by name only`);
    meta = {};
  }
  const rawId = asString(kind === 'section' ? meta.section_id : meta.id);
  const ownId = asString(meta.uuid);
  const id = !isNone(ownId) && UUID.test(ownId!) ? ownId!.toLowerCase() : !isNone(rawId) && UUID.test(rawId!) ? rawId!.toLowerCase() : null;
  const sourceId = !isNone(rawId) && !UUID.test(rawId!) ? rawId! : null;
  const video = asString(meta.video);
  const download = asString(meta.file);
  const signals = stringList(meta.signal_options);
  const unknownSignals = signals?.filter((s) => !(SIGNAL_OPTION_TYPES as readonly string[]).includes(s)) ?? [];
  for (const [what, value] of [['video', video], ['file', download]] as const) {
    if (!isNone(value) && !UUID.test(value!)) warnings.push(`${file}: ${what} "${value}" not linked (videos and files are not rebuilt yet); the placeholder renders empty`);
  }
  if (unknownSignals.length) warnings.push(`${file}: unknown signal options ignored: ${unknownSignals.join(', ')}`);
  return {
    file,
    kind,
    id,
    sourceId,
    name: sanitizeName(asString(meta.name) ?? stem) || sanitizeName(stem) || 'unnamed',
    html,
    isGreeting: String(meta.greeting_sction ?? 'False').toLowerCase() === 'true',
    // Video and File rows come with the video issue; a UUID is kept as the reference, a title is not.
    videoId: !isNone(video) && UUID.test(video!) ? video!.toLowerCase() : null,
    fileId: !isNone(download) && UUID.test(download!) ? download!.toLowerCase() : null,
    categories: stringList(meta.categories),
    signalOptions: signals ? (signals.filter((s) => !unknownSignals.includes(s)) as SignalOptionType[]) : null,
  };
}

interface ExistingRow {
  id: string;
  name: string;
  html: string;
  is_greeting: boolean;
  synced_hash: string | null;
}

async function findExisting(tx: Tx, t: TemplateFile): Promise<ExistingRow | undefined> {
  if (t.kind === 'section') {
    const base = tx.selectFrom('web_sections').select(['id', 'name', 'html', 'is_greeting', 'synced_hash']);
    if (t.id) return base.where('id', '=', t.id).executeTakeFirst();
    return base.where('name', '=', t.name).orderBy('created_at').orderBy('id').executeTakeFirst();
  }
  const base = tx.selectFrom('web_plugins').select(['id', 'name', 'html', 'synced_hash']);
  let row;
  if (t.id) row = await base.where('id', '=', t.id).executeTakeFirst();
  if (!row && t.sourceId) row = await base.where('source_id', '=', t.sourceId).executeTakeFirst();
  if (!t.id && !t.sourceId) row = await base.where('name', '=', t.name).orderBy('created_at').orderBy('id').executeTakeFirst();
  return row ? { ...row, is_greeting: false } : undefined;
}

async function applyLinks(tx: Tx, sectionId: string, t: TemplateFile, warnings: string[]): Promise<void> {
  if (t.categories) {
    const ids = await categoryIdsByName(tx, t.categories);
    if (ids.length < t.categories.length) warnings.push(`${t.file}: unknown categories ignored`);
    await setSectionCategories(tx, sectionId, ids);
  }
  if (t.signalOptions) await setSectionSignals(tx, sectionId, t.signalOptions);
}

async function importOne(tx: Tx, t: TemplateFile, force: boolean, warnings: string[]): Promise<ImportEntry> {
  const hash = contentHash(t.name, t.html, t.isGreeting);
  const existing = await findExisting(tx, t);
  const entry = { file: t.file, kind: t.kind, name: t.name, id: existing?.id ?? t.id ?? randomUUID() };
  const at = new Date().toISOString();
  if (!existing) {
    const id = entry.id;
    if (t.kind === 'section') {
      await tx
        .insertInto('web_sections')
        .values({ id, name: t.name, html: t.html, video_id: t.videoId, file_id: t.fileId, is_greeting: t.isGreeting, synced_hash: hash, created_at: at, updated_at: at })
        .execute();
      await applyLinks(tx, id, t, warnings);
    } else {
      await tx
        .insertInto('web_plugins')
        .values({ id, name: t.name, html: t.html, synced_hash: hash, source_id: t.sourceId, created_at: at, updated_at: at })
        .execute();
    }
    return { ...entry, action: 'created' };
  }
  const current = contentHash(existing.name, existing.html, existing.is_greeting);
  if (current === hash) {
    // Same content: only links and bookkeeping may need catching up.
    if (t.kind === 'section') {
      await tx.updateTable('web_sections').set({ synced_hash: hash, video_id: t.videoId, file_id: t.fileId }).where('id', '=', existing.id).execute();
      await applyLinks(tx, existing.id, t, warnings);
    } else await tx.updateTable('web_plugins').set({ synced_hash: hash }).where('id', '=', existing.id).execute();
    return { ...entry, action: 'unchanged' };
  }
  const editedHere = existing.synced_hash !== current;
  if (editedHere && !force) {
    return { ...entry, action: 'conflict', note: existing.synced_hash ? 'changed in the admin since the last import/export' : 'exists with other content and was never imported' };
  }
  if (t.kind === 'section') {
    await tx
      .updateTable('web_sections')
      .set({ name: t.name, html: t.html, is_greeting: t.isGreeting, video_id: t.videoId, file_id: t.fileId, synced_hash: hash, updated_at: at })
      .where('id', '=', existing.id)
      .execute();
    await applyLinks(tx, existing.id, t, warnings);
  } else {
    await tx.updateTable('web_plugins').set({ name: t.name, html: t.html, synced_hash: hash, updated_at: at }).where('id', '=', existing.id).execute();
  }
  templateCache.invalidate(existing.id);
  return { ...entry, action: editedHere ? 'overwritten' : 'updated' };
}

class DryRun extends Error {}

/** The active order `name` (made if missing) now holds exactly the imported sections, greetings first, and plugins. */
async function fillOrder(tx: Tx, name: string, templates: TemplateFile[], entries: ImportEntry[]): Promise<string> {
  const existing = await tx.selectFrom('web_section_orders').select('id').where('name', '=', name).where('system_key', 'is', null).orderBy('created_at').executeTakeFirst();
  const orderId = existing?.id ?? (await createOrder(tx, { name, isActive: true }));
  await tx.deleteFrom('web_order_sections').where('order_id', '=', orderId).execute();
  await tx.deleteFrom('web_order_plugins').where('order_id', '=', orderId).execute();
  await tx.updateTable('web_section_orders').set({ is_active: true, updated_at: new Date().toISOString() }).where('id', '=', orderId).execute();
  const sections = entries.map((e, i) => ({ e, t: templates[i]! })).filter(({ e }) => e.kind === 'section');
  const ordered = [...sections.filter(({ t }) => t.isGreeting), ...sections.filter(({ t }) => !t.isGreeting)];
  for (const { e } of ordered) await appendOrderSection(tx, orderId, e.id);
  for (const e of entries.filter((x) => x.kind === 'plugin')) await appendOrderPlugin(tx, orderId, e.id);
  return orderId;
}

/**
 * Reads a template folder into the database. Unknown folders are skipped with a warning; rows changed in
 * the admin since the last import/export are reported as conflicts and left alone unless `force`.
 * A dry run does everything inside a transaction that is rolled back.
 */
export async function importTemplates(db: DB, dir: string, options: ImportOptions = {}): Promise<ImportResult> {
  const warnings: string[] = [];
  const paths = await walk(dir, warnings);
  const templates: TemplateFile[] = [];
  for (const p of paths) templates.push(await readTemplate(dir, p, warnings));
  const entries: ImportEntry[] = [];
  const progress = options.progress ?? (() => {});
  const run = async (tx: Tx) => {
    entries.length = 0;
    for (const [index, t] of templates.entries()) {
      const entry = await importOne(tx, t, !!options.force, warnings);
      entries.push(entry);
      progress(`[${index + 1}/${templates.length}] ${entry.action.padEnd(11)} ${t.file}${entry.note ? ` (${entry.note})` : ''}`);
    }
    // A site that has no page of its own yet (a fresh install shows the built-in welcome) gets one made of
    // what was imported, so `/` shows it right away; otherwise the existing orders stay as they are.
    const order = options.order ?? ((await candidateOrderIds(tx)).length === 0 ? FIRST_IMPORT_ORDER : undefined);
    if (order) {
      const orderId = await fillOrder(tx, order, templates, entries);
      progress(`order "${order}": ${orderId}`);
    }
    if (options.dryRun) throw new DryRun();
  };
  try {
    await transaction(db, run);
  } catch (error) {
    if (!(error instanceof DryRun)) throw error;
  }
  const counts = { created: 0, updated: 0, unchanged: 0, conflict: 0, overwritten: 0, failed: 0 } as Record<ImportAction, number>;
  for (const e of entries) counts[e.action]++;
  return { entries, warnings: [...new Set(warnings)], counts };
}
