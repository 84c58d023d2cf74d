import { randomUUID } from 'node:crypto';
import { hmac } from '../../core/http/tokens.js';
import type { DB } from '../../core/db/connection.js';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { compileTemplate, templateCache } from '../template.js';
import type { CompiledTemplate } from '../template.js';
import { ensureWelcomeOrder } from './content.js';
import { candidateOrderIds, currentShares } from './experiment.js';
import { pick } from '../experiment/thompson.js';
import '../models.js';
import { attachEmbeds } from './embeds.js';
import type { EmbedFile } from './files.js';
import type { EmbedVideo } from './videos.js';

/** HMAC of the client address under SECRET_KEY: lets abuse be traced per address without storing it. */
export function hashIp(secret: string, ip: string): string {
  return hmac(secret, `nadooit_website.ip:${ip}`);
}

export interface OrderChoice {
  orderId: string;
  /** The probability with which this order was chosen (stored on the session for unbiased evaluation). */
  probability: number;
  /** The experiment allocation whose shares were used; null for an even split. */
  allocationId: string | null;
}

/**
 * Picks the section order a new visitor sees, on the server at render time: by the traffic shares the
 * experiment's scheduled job set last (Thompson sampling, see services/experiment.ts), or evenly when no
 * experiment runs, the job has not run yet, or the active orders changed since its last run. With no
 * active order the built-in welcome order is used (created on first need), so a fresh install has a page.
 */
export async function chooseOrder(db: Tx, random: () => number = Math.random): Promise<OrderChoice> {
  const active = await candidateOrderIds(db);
  if (active.length === 0) return { orderId: await ensureWelcomeOrder(db), probability: 1, allocationId: null };
  const current = await currentShares(db);
  if (current && current.shares.size === active.length && active.every((id) => current.shares.has(id))) {
    const shares = active.map((id) => current.shares.get(id)!);
    const index = pick(shares, random);
    const total = shares.reduce((a, b) => a + b, 0);
    return { orderId: active[index]!, probability: shares[index]! / total, allocationId: current.allocationId };
  }
  const index = Math.min(active.length - 1, Math.floor(random() * active.length));
  return { orderId: active[index]!, probability: 1 / active.length, allocationId: null };
}

export interface StartedSession {
  visitId: string;
  sessionId: string;
  orderId: string;
  probability: number;
  isBot: boolean;
}

/** One page view of `/`: a Visit and a Session bound to the chosen order, in one transaction. */
export async function startSession(db: DB, input: { ipHash: string | null; isBot: boolean; site?: string; random?: () => number }): Promise<StartedSession> {
  return transaction(db, async (tx) => {
    const at = new Date().toISOString();
    const visitId = randomUUID();
    await tx.insertInto('web_visits').values({ id: visitId, site: input.site ?? 'New_Index', visit_date: at }).execute();
    const choice = await chooseOrder(tx, input.random);
    const sessionId = randomUUID();
    await tx
      .insertInto('web_sessions')
      .values({
        id: sessionId,
        order_id: choice.orderId,
        visit_id: visitId,
        started_at: at,
        duration_seconds: 0,
        total_interaction_ms: 0,
        score: 0,
        is_bot: input.isBot,
        experiment_group_id: null,
        category: 'fast',
        variant: 'control',
        assignment_ppm: Math.round(choice.probability * 1_000_000),
        ip_hash: input.ipHash,
        assigned_order_id: choice.orderId,
        allocation_id: choice.allocationId,
      })
      .execute();
    return { visitId, sessionId, orderId: choice.orderId, probability: choice.probability, isBot: input.isBot };
  });
}

export interface PageSection {
  id: string;
  name: string;
  template: CompiledTemplate;
  signals: string[];
  videoId: string | null;
  fileId: string | null;
  /** What {{ video }} / {{ file }} show (absent: no such video with a published rendition, or no file). */
  video?: EmbedVideo;
  file?: EmbedFile;
}

export interface PagePlugin {
  id: string;
  name: string;
  template: CompiledTemplate;
}

/** Compiled templates for rows, reading the HTML only for rows not yet cached at their current version. */
async function compiled<T extends 'web_sections' | 'web_plugins'>(db: Tx, table: T, rows: Array<{ id: string; updated_at: string }>): Promise<Map<string, CompiledTemplate>> {
  const result = new Map<string, CompiledTemplate>();
  const missing: string[] = [];
  for (const row of rows) {
    const hit = templateCache.get(row.id, row.updated_at);
    if (hit) result.set(row.id, hit);
    else missing.push(row.id);
  }
  if (missing.length) {
    const fresh = await (db as DB).selectFrom(table as 'web_sections').select(['id', 'html', 'updated_at']).where('id', 'in', [...new Set(missing)]).execute();
    for (const row of fresh) result.set(row.id, templateCache.set(row.id, row.updated_at, compileTemplate(row.html)));
  }
  return result;
}

export async function loadSections(db: Tx, sectionIds: string[]): Promise<Map<string, PageSection>> {
  const unique = [...new Set(sectionIds)];
  if (!unique.length) return new Map();
  const rows = await db.selectFrom('web_sections').select(['id', 'name', 'updated_at', 'video_id', 'file_id']).where('id', 'in', unique).execute();
  const signals = await db
    .selectFrom('web_section_signal_options as l')
    .innerJoin('web_signal_options as o', 'o.id', 'l.signal_option_id')
    .select(['l.section_id', 'o.signal_type'])
    .where('l.section_id', 'in', unique)
    .execute();
  const templates = await compiled(db, 'web_sections', rows);
  const map = new Map<string, PageSection>();
  for (const row of rows) {
    const types = [...new Set(signals.filter((s) => s.section_id === row.id).map((s) => s.signal_type))].sort();
    map.set(row.id, { id: row.id, name: row.name, template: templates.get(row.id)!, signals: types, videoId: row.video_id, fileId: row.file_id });
  }
  await attachEmbeds(db, [...map.values()]);
  return map;
}

export interface PageContent {
  orderId: string;
  sections: PageSection[];
  plugins: PagePlugin[];
}

/** Everything an order shows: its sections in position order (repeats allowed) and its plugins. */
/** True when a section order with this id exists. */
export async function sectionOrderExists(db: Tx, orderId: string): Promise<boolean> {
  return (await db.selectFrom('web_section_orders').select('id').where('id', '=', orderId).executeTakeFirst()) !== undefined;
}

export async function loadOrderContent(db: Tx, orderId: string): Promise<PageContent> {
  const entries = await db.selectFrom('web_order_sections').select('section_id').where('order_id', '=', orderId).orderBy('position').orderBy('id').execute();
  const sections = await loadSections(db, entries.map((e) => e.section_id));
  const pluginRows = await db
    .selectFrom('web_order_plugins as op')
    .innerJoin('web_plugins as p', 'p.id', 'op.plugin_id')
    .select(['p.id', 'p.name', 'p.updated_at'])
    .where('op.order_id', '=', orderId)
    .orderBy('op.position')
    .orderBy('op.id')
    .execute();
  const pluginTemplates = await compiled(db, 'web_plugins', pluginRows);
  return {
    orderId,
    sections: entries.map((e) => sections.get(e.section_id)).filter((s): s is PageSection => !!s),
    plugins: pluginRows.map((p) => ({ id: p.id, name: p.name, template: pluginTemplates.get(p.id)! })),
  };
}
