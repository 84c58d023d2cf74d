import { insertRows } from '../../core/db/insert-rows.js';
import { uuidv7 } from '../../core/ids.js';
import { hmac } from '../../core/http/tokens.js';
import type { DB } from '../../core/db/connection.js';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { flavorOf } from '../../core/db/connection.js';
import { groupCommitOf } from '../../core/db/group-commit.js';
import type { GroupCommitKind } from '../../core/db/group-commit.js';
import { ReadCache } from '../../core/db/read-cache.js';
import type { Database } from '../../core/db/schema.js';
import type { Insertable, Transaction } from 'kysely';
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

/** The orders a new visitor may get and their shares: read once a second, not on every page. */
interface OrderTable {
  /** Active candidate orders; empty when only the built-in welcome order is shown. */
  active: string[];
  /** The experiment's shares per active order (same order), or null for an even split. */
  shares: number[] | null;
  allocationId: string | null;
  /** The built-in welcome order, when no order is active. */
  welcomeOrderId: string | null;
}

/** Everything chooseOrder() reads: the orders, their sections (an empty order is no candidate) and the experiment. */
const CHOICE_TABLES = ['web_section_orders', 'web_order_sections', 'web_experiments', 'web_experiment_allocations', 'web_experiment_arms'] as const;
const orderTables = new ReadCache<OrderTable>(CHOICE_TABLES);

async function loadOrderTable(db: Tx): Promise<OrderTable> {
  const active = await candidateOrderIds(db);
  if (active.length === 0) return { active, shares: null, allocationId: null, welcomeOrderId: await transaction(db, (tx) => ensureWelcomeOrder(tx)) };
  const current = await currentShares(db);
  if (current && current.shares.size === active.length && active.every((id) => current.shares.has(id))) {
    return { active, shares: active.map((id) => current.shares.get(id)!), allocationId: current.allocationId, welcomeOrderId: null };
  }
  return { active, shares: null, allocationId: null, welcomeOrderId: null };
}

/**
 * Picks the section order a new visitor sees, on the server at render time: by the traffic shares the
 * experiment's scheduled job set last (Thompson sampling, see services/experiment.ts), or evenly when no
 * experiment runs, the job has not run yet, or the active orders changed since its last run. With no
 * active order the built-in welcome order is used (created on first need), so a fresh install has a page.
 * The orders and shares are cached (core/db/read-cache.ts): a change in this process counts at once, one
 * in another (the scheduled job in the worker) within a second.
 */
export async function chooseOrder(db: Tx, random: () => number = Math.random): Promise<OrderChoice> {
  const table = await orderTables.get(db, 'orders', () => loadOrderTable(db));
  const { active, shares } = table;
  if (table.welcomeOrderId) return { orderId: table.welcomeOrderId, probability: 1, allocationId: null };
  if (shares) {
    const index = pick(shares, random);
    const total = shares.reduce((a, b) => a + b, 0);
    return { orderId: active[index]!, probability: shares[index]! / total, allocationId: table.allocationId };
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

type NewVisit = { ipHash: string | null; isBot: boolean; site: string; choice: OrderChoice };

/**
 * The writes of a page view: a Visit and a Session per view. Many views share one transaction (group
 * commit, core/db/group-commit.ts) and their rows are written with two multi-row INSERTs at the end of the
 * batch; a page is answered only after its batch committed, so a signal for its session finds the row. A
 * failing row (e.g. its order was deleted a moment ago) rolls the batch back and its views are written
 * one by one, so only that view fails.
 */
export const PAGE_VIEWS: GroupCommitKind<NewVisit, StartedSession> = {
  name: 'nadooit_website.page_views',
  durability: 'relaxed',
  begin(tx) {
    const visits: Array<Insertable<Database['web_visits']>> = [];
    const sessions: Array<Insertable<Database['web_sessions']>> = [];
    return {
      async run(input) {
        const at = new Date().toISOString();
        // Time-ordered ids: a batch of visits lands on the last pages of each index, not on random ones.
        const visitId = uuidv7();
        const sessionId = uuidv7();
        const { choice } = input;
        visits.push({ id: visitId, site: input.site, visit_date: at });
        sessions.push({
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
        });
        return { visitId, sessionId, orderId: choice.orderId, probability: choice.probability, isBot: input.isBot };
      },
      async flush() {
        await insertRows(tx, 'web_visits', visits);
        await insertRows(tx, 'web_sessions', sessions);
      },
    };
  },
};

/**
 * One page view of `/`: a Visit and a Session bound to the order chosen now. With the database handle it
 * joins the page-view group commit; inside a transaction it writes there.
 */
export async function startSession(db: Tx, input: { ipHash: string | null; isBot: boolean; site?: string; random?: () => number }): Promise<StartedSession> {
  const view = { ipHash: input.ipHash, isBot: input.isBot, site: input.site ?? 'New_Index', choice: await chooseOrder(db, input.random) };
  if (!db.isTransaction) return groupCommitOf(db as DB, PAGE_VIEWS).submit(view);
  const work = PAGE_VIEWS.begin(db as Transaction<Database>, flavorOf(db));
  const started = await work.run(view);
  await work.flush();
  return started;
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
  /** Every section id of the order (a signal names one of them). */
  sectionIds: ReadonlySet<string>;
  sections: PageSection[];
  plugins: PagePlugin[];
}

/** True when a section order with this id exists. */
export async function sectionOrderExists(db: Tx, orderId: string): Promise<boolean> {
  return (await db.selectFrom('web_section_orders').select('id').where('id', '=', orderId).executeTakeFirst()) !== undefined;
}

/** Everything an order's page is made of; an admin save in any of them shows on the next page. */
const CONTENT_TABLES = [
  'web_section_orders',
  'web_order_sections',
  'web_order_plugins',
  'web_sections',
  'web_plugins',
  'web_section_signal_options',
  'web_signal_options',
  'web_videos',
  'web_video_resolutions',
  'web_files',
] as const;
const contents = new ReadCache<PageContent>(CONTENT_TABLES);

/**
 * Everything an order shows: its sections in position order (repeats allowed) and its plugins, with parsed
 * templates, signal options and embeds — read once per order and cached (core/db/read-cache.ts): a save in
 * this process shows on the next page, one in another process within a second. Shared between requests:
 * never change it.
 */
export function loadOrderContent(db: Tx, orderId: string): Promise<PageContent> {
  return contents.get(db, orderId, () => readOrderContent(db, orderId));
}

async function readOrderContent(db: Tx, orderId: string): Promise<PageContent> {
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
    sectionIds: new Set(entries.map((e) => e.section_id)),
    sections: entries.map((e) => sections.get(e.section_id)).filter((s): s is PageSection => !!s),
    plugins: pluginRows.map((p) => ({ id: p.id, name: p.name, template: pluginTemplates.get(p.id)! })),
  };
}
