import { derivedUuid, legacyBool, legacyInteger, legacyOptionalUuid, legacyText, legacyTimestamp, legacyUuid, LegacyValueError } from '../core/legacy/values.js';
import { existingIdOr, perRun, requireKnown, tableImport, writeById } from '../core/legacy/step.js';
import type { LegacyAppImport, LegacyImportContext, LegacyImportStep } from '../core/legacy/step.js';
import { mediaLegacySteps } from './legacy-media.js';
import { SIGNAL_OPTION_TYPES } from './models.js';
import type { SignalOptionType } from './models.js';

const T = {
  category: 'nadooit_website_category',
  signalOption: 'nadooit_website_signals_option',
  section: 'nadooit_website_section',
  sectionCategories: 'nadooit_website_section_categories',
  sectionSignalOptions: 'nadooit_website_section_signal_options',
  plugin: 'nadooit_website_plugin',
  order: 'nadooit_website_section_order',
  orderSections: 'nadooit_website_section_order_sections_through_model',
  orderPlugins: 'nadooit_website_section_order_plugins',
  score: 'nadooit_website_sectionscore',
  visit: 'nadooit_website_visit',
  experimentGroup: 'nadooit_website_experimentgroup',
  session: 'nadooit_website_session',
  shownSections: 'nadooit_website_session_shown_sections',
  sessionSignal: 'nadooit_website_session_signal',
} as const;

/** The order the original's home page hard-codes (its `/` fails without it): imported as the active order. */
export const LEGACY_MAIN_ORDER_ID = 'a6edd155-a0f3-42e9-954a-a674dacf160f';

/** Signals that count once per session and section here (as services/signals.ts records them). */
const ONCE_SIGNALS = new Set(['revealed', 'mouseenter_once', 'click']);

/** Legacy key → id here, for categories and signal options (the migrations seed them under their own ids). */
const idsOf = (context: LegacyImportContext, table: string) => perRun(context, `nadooit_website.ids.${table}`, () => new Map<string, string>());

function mappedId(context: LegacyImportContext, table: string, legacyId: unknown, what: string): string {
  const id = idsOf(context, table).get(String(legacyId));
  if (!id) throw new LegacyValueError(`${what} ${String(legacyId)} was not imported`);
  return id;
}

function knownUuid(context: LegacyImportContext, value: unknown, target: string, what: string): string {
  const id = legacyUuid(value, `${what} id`);
  requireKnown(context, target, id, what);
  return id;
}

/** The original wrote `mouseenter once`; this system's type names have no spaces. */
function signalOptionType(value: unknown): SignalOptionType {
  const type = legacyText(value, 'signal_type').trim().replace(/\s+/g, '_');
  if (!(SIGNAL_OPTION_TYPES as readonly string[]).includes(type)) throw new LegacyValueError(`signal option "${type}" is not known (${SIGNAL_OPTION_TYPES.join(', ')})`);
  return type as SignalOptionType;
}

const categories = tableImport({
  legacyTable: T.category,
  target: 'web_categories',
  async map(row, context) {
    const name = legacyText(row.name, 'name').trim();
    const id = await existingIdOr(context, 'web_categories', { name }, derivedUuid(T.category, row.id));
    idsOf(context, T.category).set(String(row.id), id);
    return { id, name, created_at: context.now };
  },
  insertOnly: ['created_at'],
});

const signalOptions = tableImport({
  legacyTable: T.signalOption,
  target: 'web_signal_options',
  legacyKey: 'signal_id',
  async map(row, context) {
    const type = signalOptionType(row.signal_type);
    const id = await existingIdOr(context, 'web_signal_options', { signal_type: type }, legacyUuid(row.signal_id, 'signal_id'));
    idsOf(context, T.signalOption).set(legacyUuid(row.signal_id, 'signal_id'), id);
    return { id, signal_type: type, created_at: legacyTimestamp(row.signal_date, 'signal_date') };
  },
});

/** Sections keep their id and HTML as they are; video and file stay plain ids (the templates' `{{ video }}`). */
const sections = tableImport({
  legacyTable: T.section,
  target: 'web_sections',
  legacyKey: 'section_id',
  map: (row, context) => ({
    id: legacyUuid(row.section_id, 'section_id'),
    name: legacyText(row.name, 'name'),
    html: legacyText(row.html, 'html'),
    video_id: legacyOptionalUuid(row.video_id, 'video_id'),
    file_id: legacyOptionalUuid(row.file_id, 'file_id'),
    is_greeting: legacyBool(row.greeting_sction, 'greeting_sction'),
    created_at: context.now,
    updated_at: context.now,
  }),
  // The original kept no times; template sync state is this system's own.
  insertOnly: ['created_at', 'updated_at', 'synced_hash'],
});

const sectionCategories = tableImport({
  legacyTable: T.sectionCategories,
  target: 'web_section_categories',
  map: (row, context) => ({
    id: derivedUuid(T.sectionCategories, row.id),
    section_id: knownUuid(context, row.section_id, 'web_sections', 'section'),
    category_id: mappedId(context, T.category, row.category_id, 'category'),
  }),
});

const sectionSignalOptions = tableImport({
  legacyTable: T.sectionSignalOptions,
  target: 'web_section_signal_options',
  map: (row, context) => ({
    id: derivedUuid(T.sectionSignalOptions, row.id),
    section_id: knownUuid(context, row.section_id, 'web_sections', 'section'),
    signal_option_id: mappedId(context, T.signalOption, legacyUuid(row.signals_option_id, 'signals_option_id'), 'signal option'),
  }),
});

/** Plugins had integer ids: kept as source_id, so the original's template files still match (services/sync.ts). */
const plugins = tableImport({
  legacyTable: T.plugin,
  target: 'web_plugins',
  async map(row, context) {
    const sourceId = String(legacyInteger(row.id, 'id'));
    const id = await existingIdOr(context, 'web_plugins', { source_id: sourceId }, derivedUuid(T.plugin, sourceId));
    idsOf(context, T.plugin).set(sourceId, id);
    return { id, name: legacyText(row.name, 'name'), html: legacyText(row.html, 'html'), source_id: sourceId, created_at: context.now, updated_at: context.now };
  },
  insertOnly: ['created_at', 'updated_at', 'synced_hash'],
});

/**
 * Section orders: the original showed its hard-coded main order on `/`; here the active orders are shown
 * (and can be compared by the experiment), so the main order comes in active and the others inactive.
 */
const orders = tableImport({
  legacyTable: T.order,
  target: 'web_section_orders',
  legacyKey: 'section_order_id',
  map(row) {
    const id = legacyUuid(row.section_order_id, 'section_order_id');
    const created = legacyTimestamp(row.section_order_date, 'section_order_date');
    const main = id === LEGACY_MAIN_ORDER_ID;
    return {
      id,
      name: main ? 'Startseite (Original)' : `Reihenfolge vom ${created.slice(0, 10)} (Original)`,
      is_active: main,
      system_key: null,
      parent_order_id: null,
      created_at: created,
      updated_at: created,
    };
  },
  // Renamed, switched on or off here after the first import: kept.
  insertOnly: ['name', 'is_active', 'updated_at'],
});

const orderSections = tableImport({
  legacyTable: T.orderSections,
  target: 'web_order_sections',
  map: (row, context) => ({
    id: derivedUuid(T.orderSections, row.id),
    order_id: knownUuid(context, row.section_order_id, 'web_section_orders', 'section order'),
    section_id: knownUuid(context, row.section_id, 'web_sections', 'section'),
    position: legacyInteger(row.order, 'order'),
  }),
});

/** The original's plugins of an order were a plain set: positions follow the links' ids. */
const orderPlugins = tableImport({
  legacyTable: T.orderPlugins,
  target: 'web_order_plugins',
  map(row, context) {
    const orderId = knownUuid(context, row.section_order_id, 'web_section_orders', 'section order');
    const pluginId = mappedId(context, T.plugin, legacyInteger(row.plugin_id, 'plugin_id'), 'plugin');
    const next = perRun(context, 'nadooit_website.pluginPositions', () => new Map<string, number>());
    const position = next.get(orderId) ?? 0;
    next.set(orderId, position + 1);
    return { id: derivedUuid(T.orderPlugins, row.id), order_id: orderId, plugin_id: pluginId, position };
  },
});

const scores = tableImport({
  legacyTable: T.score,
  target: 'web_section_scores',
  async map(row, context) {
    const sectionId = knownUuid(context, row.section_id, 'web_sections', 'section');
    const score = Number(row.score);
    if (!Number.isFinite(score)) throw new LegacyValueError(`score is not a number: ${JSON.stringify(row.score)}`);
    return {
      id: await existingIdOr(context, 'web_section_scores', { section_id: sectionId }, derivedUuid(T.score, row.id)),
      section_id: sectionId,
      // The original's scores are whole points kept in a float column.
      score: Math.round(score),
      experiment_group: legacyInteger(row.experiment_group, 'experiment_group'),
    };
  },
});

const visits = tableImport({
  legacyTable: T.visit,
  target: 'web_visits',
  map: (row) => ({ id: derivedUuid(T.visit, row.id), site: legacyText(row.site, 'site'), visit_date: legacyTimestamp(row.visit_date, 'visit_date') }),
});

const experimentGroups = tableImport({
  legacyTable: T.experimentGroup,
  target: 'web_experiment_groups',
  map: (row, context) => ({
    id: derivedUuid(T.experimentGroup, row.id),
    name: legacyText(row.name, 'name'),
    section_order_id: row.section_order_id ? knownUuid(context, row.section_order_id, 'web_section_orders', 'section order') : null,
    successful_sessions: legacyInteger(row.successful_sessions, 'successful_sessions'),
    total_sessions: legacyInteger(row.total_sessions, 'total_sessions'),
  }),
});

const VOTES: Record<string, number> = { upvote: 1, downvote: -1 };
const latestVotes = (context: LegacyImportContext) =>
  perRun(context, 'nadooit_website.latestVotes', () => new Map<string, { sessionId: string; sectionId: string; vote: number; at: string }>());

const sessionStarts = (context: LegacyImportContext) => perRun(context, 'nadooit_website.sessionStarts', () => new Map<string, string>());
const meetingRequests = (context: LegacyImportContext) => perRun(context, 'nadooit_website.meetingRequests', () => new Map<string, string>());

/**
 * Sessions of the original: no visit link, no address hash (it stored none); the order was not drawn by
 * chance there, so the assignment probability is 1 (the experiment counts only sessions after its start).
 */
const sessions = tableImport({
  legacyTable: T.session,
  target: 'web_sessions',
  legacyKey: 'session_id',
  map(row, context) {
    const id = legacyUuid(row.session_id, 'session_id');
    const orderId = knownUuid(context, row.session_section_order_id, 'web_section_orders', 'section order');
    const started = legacyTimestamp(row.session_start_time, 'session_start_time');
    const interaction = Number(row.total_interaction_time);
    if (!Number.isFinite(interaction) || interaction < 0) throw new LegacyValueError(`total_interaction_time is not a duration: ${JSON.stringify(row.total_interaction_time)}`);
    const groupId = row.experiment_group_id === null || row.experiment_group_id === undefined ? null : derivedUuid(T.experimentGroup, legacyInteger(row.experiment_group_id, 'experiment_group_id'));
    requireKnown(context, 'web_experiment_groups', groupId, 'experiment group');
    sessionStarts(context).set(id, started);
    if (legacyBool(row.session_clicked_on_appointment_form, 'session_clicked_on_appointment_form')) meetingRequests(context).set(id, started);
    return {
      id,
      order_id: orderId,
      assigned_order_id: orderId,
      allocation_id: null,
      visit_id: null,
      started_at: started,
      duration_seconds: legacyInteger(row.session_duration, 'session_duration'),
      total_interaction_ms: Math.round(interaction * 1000),
      score: legacyInteger(row.session_score, 'session_score'),
      is_bot: legacyBool(row.is_bot_visit, 'is_bot_visit'),
      experiment_group_id: groupId,
      category: legacyText(row.category, 'category'),
      variant: legacyText(row.variant, 'variant'),
      assignment_ppm: 1_000_000,
      ip_hash: null,
    };
  },
});

/** The original's "clicked on the appointment form" flag: this system's meeting-request conversion. */
const conversions: LegacyImportStep = {
  target: 'web_session_conversions',
  reads: [T.session],
  async run(context) {
    const rows = [...meetingRequests(context)].map(([sessionId, at]) => ({ id: derivedUuid('web_session_conversions', `${sessionId}:meeting_request`), session_id: sessionId, goal: 'meeting_request', created_at: at }));
    for (const row of rows) row.id = await existingIdOr(context, 'web_session_conversions', { session_id: row.session_id, goal: row.goal }, row.id);
    await writeById(context, 'web_session_conversions', rows);
  },
};

const shownSections = tableImport({
  legacyTable: T.shownSections,
  target: 'web_session_shown_sections',
  map(row, context) {
    const sessionId = knownUuid(context, row.session_id, 'web_sessions', 'session');
    return {
      id: derivedUuid(T.shownSections, row.id),
      session_id: sessionId,
      section_id: knownUuid(context, row.section_id, 'web_sections', 'section'),
      // The original kept no time per shown section: the session's start.
      created_at: sessionStarts(context).get(sessionId)!,
    };
  },
});

const sessionSignals = tableImport({
  legacyTable: T.sessionSignal,
  target: 'web_session_signals',
  legacyKey: 'session_signal_id',
  map(row, context) {
    if (row.session_id === null || row.session_id === undefined) throw new LegacyValueError('the signal belongs to no session');
    const sessionId = knownUuid(context, row.session_id, 'web_sessions', 'session');
    const sectionId = knownUuid(context, row.section_id, 'web_sections', 'section');
    const type = legacyText(row.session_signal_type, 'session_signal_type').trim();
    // Only the first of a once-signal gets the unique key (the original may have stored repeats).
    const seen = perRun(context, 'nadooit_website.onceKeys', () => new Set<string>());
    const key = `${sessionId}:${sectionId}:${type}`;
    const onceKey = ONCE_SIGNALS.has(type) && !seen.has(key) ? key : null;
    if (onceKey) seen.add(onceKey);
    const at = legacyTimestamp(row.session_signal_date, 'session_signal_date');
    if (type in VOTES) {
      const votes = latestVotes(context);
      const pair = `${sessionId}:${sectionId}`;
      if (!votes.has(pair) || votes.get(pair)!.at <= at) votes.set(pair, { sessionId, sectionId, vote: VOTES[type]!, at });
    }
    return {
      id: legacyUuid(row.session_signal_id, 'session_signal_id'),
      session_id: sessionId,
      section_id: sectionId,
      signal_type: type,
      once_key: onceKey,
      value_ms: null,
      created_at: at,
    };
  },
});

/** The vote a session gave a section, as the live system keeps it beside the signals: the latest one counts. */
const votes: LegacyImportStep = {
  target: 'web_session_votes',
  reads: [T.sessionSignal],
  async run(context) {
    const rows = [];
    for (const { sessionId, sectionId, vote, at } of latestVotes(context).values()) {
      const id = await existingIdOr(context, 'web_session_votes', { session_id: sessionId, section_id: sectionId }, derivedUuid('web_session_votes', `${sessionId}:${sectionId}`));
      rows.push({ id, session_id: sessionId, section_id: sectionId, vote, updated_at: at });
    }
    context.report.outcome('web_session_votes').read += rows.length;
    await writeById(context, 'web_session_votes', rows);
  },
};

/** Categories, sections, plugins, section orders (main order active), scores, visits, sessions and their signals, videos and downloads. */
export const websiteLegacyImport: LegacyAppImport = {
  app: 'nadooit_website',
  steps: [
    categories,
    signalOptions,
    sections,
    sectionCategories,
    sectionSignalOptions,
    plugins,
    orders,
    orderSections,
    orderPlugins,
    scores,
    visits,
    experimentGroups,
    sessions,
    conversions,
    shownSections,
    sessionSignals,
    votes,
    ...mediaLegacySteps,
  ],
};
