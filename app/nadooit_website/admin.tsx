import type { DB } from '../core/db/connection.js';
import { createdAt, flag, relation, updatedAt } from '../core/admin/fields.js';
import type { AdminAction, AdminField, AdminResource, Row, Text } from '../core/admin/types.js';
import type { Display } from '../core/admin/views/cells.js';
import { SIGNAL_OPTION_TYPES } from './models.js';
import {
  appendOrderPlugin,
  appendOrderSection,
  createCategory,
  createOrder,
  createPlugin,
  createSection,
  moveOrderEntry,
  sanitizeName,
  updatePlugin,
  updateSection,
} from './services/content.js';
import { compileTemplate } from './template.js';
import { videoResources } from './admin-video.js';
import { experimentResources } from './admin-experiment.js';
import './models.js';

const APP = 'nadooit_website';
const appLabel: Text = { de: 'Webseite', en: 'Website' };
const ro = { readOnly: true } as const;
const key = (name: string) => `${APP}.${name}`;
/** The part every website resource shares: app, URL name, table and labels. */
const resource = (name: string, table: AdminResource['table'], label: Text, labelPlural: Text) => ({ app: APP, appLabel, name, table, label, labelPlural });

const nameField: AdminField = {
  name: 'name',
  label: { de: 'Name', en: 'Name' },
  type: 'text',
  required: true,
  maxLength: 200,
  help: { de: 'Nur Buchstaben, Ziffern, Leerzeichen und . _ - bleiben erhalten.', en: 'Only letters, digits, spaces and . _ - are kept.' },
};
const htmlField: AdminField = {
  name: 'html',
  label: { de: 'HTML', en: 'HTML' },
  type: 'textarea',
  required: true,
  help: {
    de: "Erlaubte Platzhalter: {{ video }}, {{ file }}, {{ session_id }}, {% static '…' %}, {% url '…' %}, {% load … %}. Alles andere erscheint als Text.",
    en: "Supported tags: {{ video }}, {{ file }}, {{ session_id }}, {% static '…' %}, {% url '…' %}, {% load … %}. Anything else shows as text.",
  },
};
const mediaHelp: Text = { de: 'Erscheint an der Stelle von {{ video }} bzw. {{ file }} im HTML.', en: 'Shown where the HTML has {{ video }} or {{ file }}.' };

/** Names rows of a link table as "<left> · <right>" (e.g. order position and section name). */
function linkTitles(table: 'web_order_sections' | 'web_order_plugins' | 'web_section_categories' | 'web_section_signal_options') {
  return async (db: DB, ids: string[]): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    if (!ids.length) return out;
    if (table === 'web_order_sections') {
      const rows = await db.selectFrom('web_order_sections as l').innerJoin('web_sections as s', 's.id', 'l.section_id').select(['l.id', 'l.position', 's.name']).where('l.id', 'in', ids).execute();
      for (const r of rows) out.set(r.id, `${r.position + 1}. ${r.name}`);
    } else if (table === 'web_order_plugins') {
      const rows = await db.selectFrom('web_order_plugins as l').innerJoin('web_plugins as p', 'p.id', 'l.plugin_id').select(['l.id', 'l.position', 'p.name']).where('l.id', 'in', ids).execute();
      for (const r of rows) out.set(r.id, `${r.position + 1}. ${r.name}`);
    } else if (table === 'web_section_categories') {
      const rows = await db.selectFrom('web_section_categories as l').innerJoin('web_sections as s', 's.id', 'l.section_id').innerJoin('web_categories as c', 'c.id', 'l.category_id').select(['l.id', 's.name', 'c.name as category']).where('l.id', 'in', ids).execute();
      for (const r of rows) out.set(r.id, `${r.name} · ${r.category}`);
    } else {
      const rows = await db.selectFrom('web_section_signal_options as l').innerJoin('web_sections as s', 's.id', 'l.section_id').innerJoin('web_signal_options as o', 'o.id', 'l.signal_option_id').select(['l.id', 's.name', 'o.signal_type']).where('l.id', 'in', ids).execute();
      for (const r of rows) out.set(r.id, `${r.name} · ${r.signal_type}`);
    }
    return out;
  };
}

/** What staff should know about a template: unsupported tags, unknown URL names, placeholder/video mismatches. */
export function templateWarnings(row: Row): string[] {
  const compiled = compileTemplate(String(row.html ?? ''));
  const warnings = [...compiled.warnings];
  if ('video_id' in row) {
    if (compiled.usesVideo && !row.video_id) warnings.push('{{ video }} is in the HTML, but no video is chosen: it renders empty');
    if (!compiled.usesVideo && row.video_id) warnings.push('a video is chosen, but the HTML has no {{ video }} placeholder');
    if (compiled.usesFile && !row.file_id) warnings.push('{{ file }} is in the HTML, but no file is chosen: it renders empty');
    if (!compiled.usesFile && row.file_id) warnings.push('a file is chosen, but the HTML has no {{ file }} placeholder');
  }
  return warnings;
}

function Warnings({ d, warnings }: { d: Display; warnings: string[] }): JSX.Element {
  const title = d.language === 'de' ? 'Hinweise zur Vorlage' : 'Template notes';
  return (
    <section class="card mb-3" id="template-warnings">
      <div class="card-header">
        <h2 class="h6 mb-0">{title}</h2>
      </div>
      {warnings.length === 0 ? (
        <div class="card-body text-muted small">{d.language === 'de' ? 'Keine Hinweise.' : 'Nothing to note.'}</div>
      ) : (
        <ul class="list-group list-group-flush">
          {warnings.map((w) => (
            <li class="list-group-item list-group-item-warning small" safe>{w}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

function move(direction: 'up' | 'down', table: 'web_order_sections' | 'web_order_plugins'): AdminAction {
  return {
    name: `move_${direction}`,
    label: direction === 'up' ? { de: 'Nach oben', en: 'Move up' } : { de: 'Nach unten', en: 'Move down' },
    permission: 'change',
    onList: true,
    async run(ctx, ids) {
      let orderId: string | undefined;
      for (const id of ids) {
        await moveOrderEntry(ctx.tx, table, id, direction);
        orderId ??= (await ctx.tx.selectFrom(table).select('order_id').where('id', '=', id).executeTakeFirst())?.order_id;
      }
      return orderId ? { redirect: `/admin/${APP}/section_orders/${orderId}/` } : undefined;
    },
  };
}

/** The order editor on an order's page: its sections and plugins in order, ↑/↓ per row, and the preview. */
async function orderEditor(db: DB, row: Row, d: Display): Promise<JSX.Element> {
  const orderId = String(row.id);
  const sections = await db.selectFrom('web_order_sections as l').innerJoin('web_sections as s', 's.id', 'l.section_id').select(['l.id', 's.id as section_id', 's.name']).where('l.order_id', '=', orderId).orderBy('l.position').orderBy('l.id').execute();
  const plugins = await db.selectFrom('web_order_plugins as l').innerJoin('web_plugins as p', 'p.id', 'l.plugin_id').select(['l.id', 'p.id as plugin_id', 'p.name']).where('l.order_id', '=', orderId).orderBy('l.position').orderBy('l.id').execute();
  const de = d.language === 'de';
  const list = (resource: string, target: string, rows: Array<{ id: string; target: string; name: string }>, title: string, addLabel: string) => {
    const linkBase = `${d.prefix}/${APP}/${resource}/`;
    const targetBase = `${d.prefix}/${APP}/${target}/`;
    return (
      <section class="card mb-3" id={`order-${resource}`}>
        <div class="card-header d-flex justify-content-between align-items-center">
          <h2 class="h6 mb-0" safe>{title}</h2>
          <a class="btn btn-sm btn-outline-primary" href={`${linkBase}add?order_id=${encodeURIComponent(orderId)}`} safe>
            {addLabel}
          </a>
        </div>
        {rows.length === 0 ? (
          <div class="card-body text-muted small" safe>{d.t('admin.empty')}</div>
        ) : (
          <ol class="list-group list-group-flush list-group-numbered">
            {rows.map((r, i) => (
              <li class="list-group-item d-flex justify-content-between align-items-center">
                <a href={`${targetBase}${encodeURIComponent(r.target)}/`} safe>
                  {r.name}
                </a>
                <span class="btn-group btn-group-sm">
                  {i > 0 ? (
                    <a class="btn btn-outline-secondary" href={`${linkBase}action?action=move_up&ids=${encodeURIComponent(r.id)}`} title={de ? 'Nach oben' : 'Move up'}>
                      <i class="bi bi-arrow-up" aria-hidden="true"></i>
                    </a>
                  ) : (
                    ''
                  )}
                  {i < rows.length - 1 ? (
                    <a class="btn btn-outline-secondary" href={`${linkBase}action?action=move_down&ids=${encodeURIComponent(r.id)}`} title={de ? 'Nach unten' : 'Move down'}>
                      <i class="bi bi-arrow-down" aria-hidden="true"></i>
                    </a>
                  ) : (
                    ''
                  )}
                  <a class="btn btn-outline-secondary" href={`${linkBase}${encodeURIComponent(r.id)}/`} title={de ? 'Eintrag' : 'Entry'}>
                    <i class="bi bi-three-dots" aria-hidden="true"></i>
                  </a>
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
    );
  };
  return (
    <>
      <p>
        <a class="btn btn-outline-primary" href={`/website/preview/${encodeURIComponent(orderId)}`} target="_blank" rel="noopener" id="order-preview">
          {de ? 'Vorschau der Seite' : 'Preview the page'}
        </a>
      </p>
      {list('order_sections', 'sections', sections.map((s) => ({ id: s.id, target: s.section_id, name: s.name })), de ? 'Abschnitte in dieser Reihenfolge' : 'Sections in this order', de ? 'Abschnitt anhängen' : 'Append a section')}
      {list('order_plugins', 'plugins', plugins.map((p) => ({ id: p.id, target: p.plugin_id, name: p.name })), de ? 'Plugins' : 'Plugins', de ? 'Plugin anhängen' : 'Append a plugin')}
    </>
  );
}

export const categoriesResource: AdminResource = {
  ...resource('categories', 'web_categories', { de: 'Besucherkategorie', en: 'Visitor category' }, { de: 'Besucherkategorien', en: 'Visitor categories' }),
  title: { columns: ['name'] },
  fields: [nameField, createdAt()],
  list: { columns: ['name', 'created_at'], search: ['name'], ordering: { field: 'name', direction: 'asc' }, sortable: ['name', 'created_at'] },
  timestamps: 'created',
  hooks: {
    create: async (ctx, values) => createCategory(ctx.tx, String(values.name)),
    update: async (ctx, id, values) => void (await ctx.tx.updateTable('web_categories').set({ name: sanitizeName(String(values.name)) }).where('id', '=', id).execute()),
  },
};

export const signalOptionsResource: AdminResource = {
  ...resource('signal_options', 'web_signal_options', { de: 'Signalart', en: 'Signal option' }, { de: 'Signalarten', en: 'Signal options' }),
  title: { columns: ['signal_type'] },
  fields: [
    { name: 'signal_type', label: { de: 'Signal', en: 'Signal' }, type: 'choice', required: true, choices: SIGNAL_OPTION_TYPES.map((s) => ({ value: s, label: { de: s, en: s } })) },
    createdAt(),
  ],
  list: { columns: ['signal_type', 'created_at'], search: ['signal_type'], ordering: { field: 'signal_type', direction: 'asc' } },
  timestamps: 'created',
};

export const sectionsResource: AdminResource = {
  ...resource('sections', 'web_sections', { de: 'Abschnitt', en: 'Section' }, { de: 'Abschnitte', en: 'Sections' }),
  title: { columns: ['name'] },
  fields: [
    nameField,
    htmlField,
    flag('is_greeting', { de: 'Begrüßungsabschnitt', en: 'Greeting section' }, { initial: false }),
    relation('video_id', { de: 'Video', en: 'Video' }, key('videos'), 'none', { help: mediaHelp }),
    relation('file_id', { de: 'Datei', en: 'File' }, key('files'), 'none', { help: mediaHelp }),
    createdAt(),
    updatedAt(),
  ],
  list: {
    columns: ['name', 'is_greeting', 'updated_at'],
    search: ['name', 'html', { field: 'id', mode: 'exact' }],
    filters: ['is_greeting', 'updated_at'],
    ordering: { field: 'name', direction: 'asc' },
    sortable: ['name', 'updated_at'],
  },
  inlines: [
    { resource: key('section_categories'), field: 'section_id', label: { de: 'Kategorien', en: 'Categories' } },
    { resource: key('section_signal_options'), field: 'section_id', label: { de: 'Signale', en: 'Signals' } },
    { resource: key('section_scores'), field: 'section_id' },
  ],
  hooks: {
    create: async (ctx, v) =>
      createSection(ctx.tx, { name: String(v.name), html: String(v.html), isGreeting: !!v.is_greeting, videoId: (v.video_id as string | null) ?? null, fileId: (v.file_id as string | null) ?? null }),
    update: async (ctx, id, v) =>
      updateSection(ctx.tx, id, { name: String(v.name), html: String(v.html), isGreeting: !!v.is_greeting, videoId: (v.video_id as string | null) ?? null, fileId: (v.file_id as string | null) ?? null }),
  },
  extra: async (_db, row, d) => <Warnings d={d} warnings={templateWarnings(row)} />,
};

export const pluginsResource: AdminResource = {
  ...resource('plugins', 'web_plugins', { de: 'Plugin', en: 'Plugin' }, { de: 'Plugins', en: 'Plugins' }),
  title: { columns: ['name'] },
  fields: [nameField, htmlField, { name: 'source_id', label: { de: 'Kennung in der Vorlagendatei', en: 'Id in the template file' }, type: 'text', readOnly: true }, createdAt(), updatedAt()],
  list: { columns: ['name', 'updated_at'], search: ['name', 'html'], ordering: { field: 'name', direction: 'asc' }, sortable: ['name', 'updated_at'] },
  hooks: {
    create: async (ctx, v) => createPlugin(ctx.tx, { name: String(v.name), html: String(v.html) }),
    update: async (ctx, id, v) => updatePlugin(ctx.tx, id, { name: String(v.name), html: String(v.html) }),
  },
  extra: async (_db, row, d) => <Warnings d={d} warnings={templateWarnings(row)} />,
};

export const sectionOrdersResource: AdminResource = {
  ...resource('section_orders', 'web_section_orders', { de: 'Abschnittsreihenfolge', en: 'Section order' }, { de: 'Abschnittsreihenfolgen', en: 'Section orders' }),
  title: { columns: ['name'] },
  help: {
    de: 'Aktive Reihenfolgen mit mindestens einem Abschnitt werden neuen Besuchern gezeigt — gleich verteilt, oder nach den Anteilen des laufenden Experiments. Plugins sind optional.',
    en: 'Active orders with at least one section are shown to new visitors — evenly, or by the shares of the running experiment. Plugins are optional.',
  },
  fields: [
    nameField,
    flag('is_active', { de: 'Aktiv', en: 'Active' }, { initial: true }),
    { name: 'system_key', label: { de: 'Vom System angelegt', en: 'Made by the system' }, type: 'text', readOnly: true },
    relation('parent_order_id', { de: 'Entstanden aus', en: 'Grew from' }, key('section_orders'), 'set null', ro),
    createdAt(),
    updatedAt(),
  ],
  list: {
    columns: ['name', 'is_active', 'parent_order_id', 'updated_at'],
    search: ['name', { field: 'id', mode: 'exact' }],
    filters: ['is_active', 'created_at'],
    ordering: { field: 'updated_at', direction: 'desc' },
    sortable: ['name', 'updated_at'],
  },
  hooks: { create: async (ctx, v) => createOrder(ctx.tx, { name: String(v.name), isActive: !!v.is_active }) },
  extra: orderEditor,
};

export const orderSectionsResource: AdminResource = {
  ...resource('order_sections', 'web_order_sections', { de: 'Abschnitt einer Reihenfolge', en: 'Section of an order' }, { de: 'Abschnitte der Reihenfolgen', en: 'Sections of orders' }),
  title: { columns: ['position'], load: linkTitles('web_order_sections') },
  fields: [
    relation('order_id', { de: 'Reihenfolge', en: 'Order' }, key('section_orders'), 'cascade', { required: true, createOnly: true }),
    relation('section_id', { de: 'Abschnitt', en: 'Section' }, key('sections'), 'cascade', { required: true }),
    { name: 'position', label: { de: 'Position', en: 'Position' }, type: 'integer', min: 0, help: { de: 'Leer lassen: ans Ende.', en: 'Leave empty: at the end.' } },
  ],
  list: { columns: ['order_id', 'position', 'section_id'], filters: ['order_id', 'section_id'], ordering: { field: 'position', direction: 'asc' }, search: ['order_id', 'section_id'] },
  timestamps: 'none',
  hooks: { create: async (ctx, v) => appendOrderSection(ctx.tx, String(v.order_id), String(v.section_id), (v.position as number | null) ?? null) },
  actions: [move('up', 'web_order_sections'), move('down', 'web_order_sections')],
};

export const orderPluginsResource: AdminResource = {
  ...orderSectionsResource,
  name: 'order_plugins',
  table: 'web_order_plugins',
  label: { de: 'Plugin einer Reihenfolge', en: 'Plugin of an order' },
  labelPlural: { de: 'Plugins der Reihenfolgen', en: 'Plugins of orders' },
  title: { columns: ['position'], load: linkTitles('web_order_plugins') },
  fields: [
    orderSectionsResource.fields[0]!,
    relation('plugin_id', { de: 'Plugin', en: 'Plugin' }, key('plugins'), 'cascade', { required: true }),
    orderSectionsResource.fields[2]!,
  ],
  list: { columns: ['order_id', 'position', 'plugin_id'], filters: ['order_id', 'plugin_id'], ordering: { field: 'position', direction: 'asc' }, search: ['order_id', 'plugin_id'] },
  hooks: { create: async (ctx, v) => appendOrderPlugin(ctx.tx, String(v.order_id), String(v.plugin_id), (v.position as number | null) ?? null) },
  actions: [move('up', 'web_order_plugins'), move('down', 'web_order_plugins')],
};

function linkResource(name: string, table: 'web_section_categories' | 'web_section_signal_options', label: Text, labelPlural: Text, target: AdminField): AdminResource {
  return {
    ...resource(name, table, label, labelPlural),
    title: { columns: ['section_id'], load: linkTitles(table) },
    fields: [relation('section_id', { de: 'Abschnitt', en: 'Section' }, key('sections'), 'cascade', { required: true }), target],
    list: { columns: ['section_id', target.name], filters: ['section_id', target.name], ordering: { field: 'section_id', direction: 'asc' }, search: ['section_id'] },
    timestamps: 'none',
  };
}

export const sectionCategoriesResource = linkResource(
  'section_categories',
  'web_section_categories',
  { de: 'Kategorie eines Abschnitts', en: 'Category of a section' },
  { de: 'Kategorien der Abschnitte', en: 'Categories of sections' },
  relation('category_id', { de: 'Kategorie', en: 'Category' }, key('categories'), 'cascade', { required: true }),
);

export const sectionSignalOptionsResource = linkResource(
  'section_signal_options',
  'web_section_signal_options',
  { de: 'Signal eines Abschnitts', en: 'Signal of a section' },
  { de: 'Signale der Abschnitte', en: 'Signals of sections' },
  relation('signal_option_id', { de: 'Signal', en: 'Signal' }, key('signal_options'), 'cascade', { required: true }),
);

const readOnly = { add: false, change: false } as const;

export const sectionScoresResource: AdminResource = {
  ...resource('section_scores', 'web_section_scores', { de: 'Abschnittswertung', en: 'Section score' }, { de: 'Abschnittswertungen', en: 'Section scores' }),
  title: { columns: ['section_id', 'score'], format: (row) => `${String(row.score)}` },
  fields: [
    relation('section_id', { de: 'Abschnitt', en: 'Section' }, key('sections'), 'cascade', ro),
    { name: 'score', label: { de: 'Punkte', en: 'Score' }, type: 'integer', readOnly: true },
    { name: 'experiment_group', label: { de: 'Gruppe (0 Kontrolle, 1 Experiment)', en: 'Group (0 control, 1 experimental)' }, type: 'integer', readOnly: true },
  ],
  list: { columns: ['section_id', 'score'], ordering: { field: 'score', direction: 'desc' }, sortable: ['score'], search: ['section_id'] },
  allow: readOnly,
  timestamps: 'none',
};

export const visitsResource: AdminResource = {
  ...resource('visits', 'web_visits', { de: 'Besuch', en: 'Visit' }, { de: 'Besuche', en: 'Visits' }),
  title: { columns: ['site', 'visit_date'], format: (row) => `${String(row.site)} · ${String(row.visit_date).slice(0, 16).replace('T', ' ')}` },
  fields: [
    { name: 'site', label: { de: 'Seite', en: 'Page' }, type: 'text', readOnly: true },
    { name: 'visit_date', label: { de: 'Zeitpunkt', en: 'When' }, type: 'datetime', readOnly: true },
  ],
  list: { columns: ['visit_date', 'site'], filters: ['visit_date'], ordering: { field: 'visit_date', direction: 'desc' }, search: ['site'] },
  allow: readOnly,
  timestamps: 'none',
};

export const experimentGroupsResource: AdminResource = {
  ...resource('experiment_groups', 'web_experiment_groups', { de: 'Experimentgruppe', en: 'Experiment group' }, { de: 'Experimentgruppen', en: 'Experiment groups' }),
  title: { columns: ['name'] },
  fields: [
    { name: 'name', label: { de: 'Name', en: 'Name' }, type: 'text', required: true, maxLength: 255 },
    relation('section_order_id', { de: 'Reihenfolge', en: 'Order' }, key('section_orders'), 'cascade'),
    { name: 'successful_sessions', label: { de: 'Erfolgreiche Sitzungen', en: 'Successful sessions' }, type: 'integer', readOnly: true },
    { name: 'total_sessions', label: { de: 'Sitzungen', en: 'Sessions' }, type: 'integer', readOnly: true },
  ],
  list: { columns: ['name', 'section_order_id', 'successful_sessions', 'total_sessions'], search: ['name'], ordering: { field: 'name', direction: 'asc' } },
  timestamps: 'none',
  defaults: () => ({ successful_sessions: 0, total_sessions: 0 }),
};

export const sessionsResource: AdminResource = {
  ...resource('sessions', 'web_sessions', { de: 'Besuchersitzung', en: 'Visitor session' }, { de: 'Besuchersitzungen', en: 'Visitor sessions' }),
  title: { columns: ['started_at', 'score'], format: (row) => `${String(row.started_at).slice(0, 19).replace('T', ' ')} · ${String(row.score)}` },
  fields: [
    { name: 'started_at', label: { de: 'Beginn', en: 'Start' }, type: 'datetime', readOnly: true },
    relation('order_id', { de: 'Reihenfolge', en: 'Order' }, key('section_orders'), 'cascade', ro),
    { name: 'score', label: { de: 'Punkte', en: 'Score' }, type: 'integer', readOnly: true },
    { name: 'duration_seconds', label: { de: 'Dauer', en: 'Duration' }, type: 'seconds', readOnly: true },
    { name: 'total_interaction_ms', label: { de: 'Interaktion (ms)', en: 'Interaction (ms)' }, type: 'integer', readOnly: true },
    flag('is_bot', { de: 'Bot', en: 'Bot' }, ro),
    { name: 'assignment_ppm', label: { de: 'Zuteilungswahrscheinlichkeit (ppm)', en: 'Assignment probability (ppm)' }, type: 'integer', readOnly: true },
    { name: 'variant', label: { de: 'Variante', en: 'Variant' }, type: 'text', readOnly: true },
    { name: 'category', label: { de: 'Kategorie', en: 'Category' }, type: 'text', readOnly: true },
    relation('experiment_group_id', { de: 'Experimentgruppe', en: 'Experiment group' }, key('experiment_groups'), 'set null', ro),
    relation('visit_id', { de: 'Besuch', en: 'Visit' }, key('visits'), 'set null', ro),
  ],
  list: {
    columns: ['started_at', 'score', 'duration_seconds', 'is_bot', 'order_id'],
    filters: ['is_bot', 'started_at', 'order_id'],
    ordering: { field: 'started_at', direction: 'desc' },
    sortable: ['started_at', 'score', 'duration_seconds'],
    search: [{ field: 'id', mode: 'exact' }, 'order_id'],
  },
  allow: readOnly,
  timestamps: 'none',
  inlines: [
    { resource: key('session_signals'), field: 'session_id', limit: 20 },
    { resource: key('session_votes'), field: 'session_id', limit: 20 },
    { resource: key('session_shown_sections'), field: 'session_id', limit: 20 },
    { resource: key('session_conversions'), field: 'session_id', limit: 20 },
  ],
};

function sessionChild(name: string, table: 'web_session_signals' | 'web_session_votes' | 'web_session_shown_sections', label: Text, labelPlural: Text, extra: AdminField[], at: string): AdminResource {
  return {
    ...resource(name, table, label, labelPlural),
    title: { columns: [at], format: (row) => String(row[at]).slice(0, 19).replace('T', ' ') },
    fields: [
      relation('session_id', { de: 'Sitzung', en: 'Session' }, key('sessions'), 'cascade', ro),
      relation('section_id', { de: 'Abschnitt', en: 'Section' }, key('sections'), 'cascade', ro),
      ...extra,
      { name: at, label: { de: 'Zeitpunkt', en: 'When' }, type: 'datetime', readOnly: true },
    ],
    list: { columns: [at, ...extra.map((f) => f.name), 'section_id', 'session_id'], filters: [at, 'section_id'], ordering: { field: at, direction: 'desc' }, search: ['session_id', 'section_id'] },
    allow: readOnly,
    timestamps: 'none',
  };
}

const when = 'created_at';
const typeField: AdminField = { name: 'signal_type', label: { de: 'Art', en: 'Type' }, type: 'text', readOnly: true };
const voteField: AdminField = { name: 'vote', label: { de: 'Stimme (+1/−1)', en: 'Vote (+1/−1)' }, type: 'integer', readOnly: true };
export const sessionSignalsResource = sessionChild('session_signals', 'web_session_signals', { de: 'Signal', en: 'Signal' }, { de: 'Signale', en: 'Signals' }, [typeField], when);
export const sessionVotesResource = sessionChild('session_votes', 'web_session_votes', { de: 'Bewertung', en: 'Vote' }, { de: 'Bewertungen', en: 'Votes' }, [voteField], 'updated_at');
export const sessionShownSectionsResource = sessionChild('session_shown_sections', 'web_session_shown_sections', { de: 'Gesehener Abschnitt', en: 'Seen section' }, { de: 'Gesehene Abschnitte', en: 'Seen sections' }, [], when);

export const sectionTransitionsResource: AdminResource = {
  ...resource('section_transitions', 'web_section_transitions', { de: 'Abschnittsübergang', en: 'Section transition' }, { de: 'Abschnittsübergänge', en: 'Section transitions' }),
  title: { columns: ['section_1_id', 'section_2_id'], format: (row) => `${String(row.section_1_id).slice(0, 8)} → ${String(row.section_2_id).slice(0, 8)}` },
  fields: [
    { name: 'section_1_id', label: { de: 'Von Abschnitt', en: 'From section' }, type: 'uuid', required: true },
    { name: 'section_2_id', label: { de: 'Zu Abschnitt', en: 'To section' }, type: 'uuid', required: true },
    { name: 'transition_percentage', label: { de: 'Übergang in %', en: 'Transition %' }, type: 'integer', required: true, min: 0, max: 100 },
  ],
  list: { columns: ['section_1_id', 'section_2_id', 'transition_percentage'], ordering: { field: 'transition_percentage', direction: 'desc' }, search: [{ field: 'section_1_id', mode: 'exact' }] },
  timestamps: 'none',
};

export const pagesResource: AdminResource = {
  ...resource('pages', 'web_pages', { de: 'Inhaltsseite', en: 'Content page' }, { de: 'Inhaltsseiten', en: 'Content pages' }),
  title: { columns: ['title'] },
  help: { de: 'Impressum und Datenschutz; sie entstehen beim ersten Aufruf mit einem Platzhaltertext.', en: 'Legal notice and privacy; made with a placeholder text on their first view.' },
  fields: [
    { name: 'slug', label: { de: 'Adresse', en: 'Address' }, type: 'text', readOnly: true },
    { name: 'title', label: { de: 'Titel', en: 'Title' }, type: 'text', required: true, maxLength: 200 },
    htmlField,
    createdAt(),
    updatedAt(),
  ],
  list: { columns: ['title', 'slug', 'updated_at'], search: ['title', 'html'], ordering: { field: 'title', direction: 'asc' } },
  allow: { add: false, delete: false },
  extra: async (_db, row, d) => <Warnings d={d} warnings={templateWarnings(row)} />,
};

export const websiteResources: AdminResource[] = [
  pagesResource,
  sectionOrdersResource,
  sectionsResource,
  pluginsResource,
  categoriesResource,
  signalOptionsResource,
  orderSectionsResource,
  orderPluginsResource,
  sectionCategoriesResource,
  sectionSignalOptionsResource,
  sectionScoresResource,
  sessionsResource,
  sessionSignalsResource,
  sessionVotesResource,
  sessionShownSectionsResource,
  visitsResource,
  ...experimentResources,
  experimentGroupsResource,
  sectionTransitionsResource,
  ...videoResources,
];

