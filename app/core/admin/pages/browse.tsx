import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { setSessionValue } from '../../http/sessions.js';
import { PERIODS } from '../periods.js';
import { cappedCount, iterateRows, listPage, parseListQuery } from '../query.js';
import type { ListQuery, QueryScope } from '../query.js';
import { relationTitles, titlesFor, titlesOfRows } from '../records.js';
import { choicesOf, primaryKey, resourceKey, text } from '../site.js';
import type { AdminField, AdminResource, Row } from '../types.js';
import { csvCell, moneyInput } from '../values.js';
import { adminRequest, columnField, resourceFor } from '../request.js';
import type { AdminOptions, AdminRequest } from '../request.js';
import { attentionViews, homeSections } from '../home.js';
import { IndexView } from '../views/index.js';
import { ListView } from '../views/list.js';
import type { FilterBlock } from '../views/list.js';
import { AdminShell } from '../views/shell.js';
import { AutocompleteOptions } from '../views/widgets.js';

const AUTOCOMPLETE_LIMIT = 20;

function scopeOf(ar: AdminRequest, resource: AdminResource): QueryScope {
  return { site: ar.options.site, resource, timeZone: ar.d.timeZone };
}

/** Columns shown: the user's choice (kept in the session per resource) or the resource's defaults. */
function chosenColumns(ar: AdminRequest, resource: AdminResource, query: Record<string, unknown>): { columns: AdminField[]; choosable: AdminField[] } {
  const choosable = [...new Set([...resource.list.columns, ...(resource.list.optionalColumns ?? [])])]
    .map((name) => columnField(resource, name))
    .filter((f): f is AdminField => Boolean(f) && !f!.sensitive);
  const sessionKey = `admin.cols.${resourceKey(resource)}`;
  let names: string[] | undefined;
  if (query.setcols === '1') {
    const requested = Array.isArray(query.cols) ? query.cols.map(String) : typeof query.cols === 'string' ? [query.cols] : [];
    names = choosable.map((f) => f.name).filter((n) => requested.includes(n));
    if (names.length === 0) names = undefined;
    if (ar.request.session) setSessionValue(ar.request.session, sessionKey, names);
  } else {
    const stored = ar.request.session?.data[sessionKey];
    names = Array.isArray(stored) ? (stored as string[]) : undefined;
  }
  const columns = (names ?? resource.list.columns).map((n) => choosable.find((f) => f.name === n)).filter((f): f is AdminField => Boolean(f));
  return { columns: columns.length ? columns : choosable.slice(0, 1), choosable };
}

async function filterBlocks(ar: AdminRequest, resource: AdminResource, lq: ListQuery): Promise<FilterBlock[]> {
  const t = ar.ctx.t;
  const blocks: FilterBlock[] = [];
  const names = [...new Set([...(resource.list.filters ?? []), ...Object.keys(lq.filters)])];
  for (const name of names) {
    const field = columnField(resource, name);
    if (!field) continue;
    const current = lq.filters[name];
    if (field.type === 'boolean') {
      blocks.push({ field, options: [{ label: t('admin.filter.yes'), value: '1' }, { label: t('admin.filter.no'), value: '0' }] });
    } else if (field.type === 'choice') {
      blocks.push({ field, options: choicesOf(field).map((c) => ({ label: text(c.label, ar.d.language), value: c.value })) });
    } else if (field.type === 'datetime' || field.type === 'date') {
      blocks.push({ field, options: PERIODS.map((p) => ({ label: t(`admin.filter.${p}`), value: p })) });
    } else if (field.type === 'relation' && field.relation) {
      const target = ar.options.site.get(field.relation.resource)!;
      const currentLabel = current ? (await titlesFor(ar.options.context.db.kysely, target, [current], ar.d.language)).get(current) : undefined;
      blocks.push({ field, currentLabel });
    } else {
      blocks.push({ field });
    }
  }
  for (const preset of resource.list.presets ?? []) {
    blocks.push({ field: { name: preset.name, label: preset.label, type: 'boolean' }, options: [{ label: t('admin.filter.yes'), value: '1' }] });
  }
  return blocks;
}

/** Bulk actions this user may run from the list (the built-in delete first). */
export function listActions(ar: AdminRequest, resource: AdminResource): Array<{ name: string; label: string }> {
  const actions: Array<{ name: string; label: string }> = [];
  if (ar.access.can(resource, 'delete')) actions.push({ name: 'delete', label: ar.ctx.t('admin.delete_selected') });
  for (const action of resource.actions ?? []) {
    if (action.onList !== false && ar.access.canRun(resource, action)) actions.push({ name: action.name, label: text(action.label, ar.d.language) });
  }
  return actions;
}

/** CSV text of one value: machine-readable (ISO times, decimal money, ids plus titles for relations). */
function csvValue(field: AdminField, row: Row, titles: Map<string, string> | undefined): string {
  const value = row[field.name];
  if (value === null || value === undefined) return '';
  if (field.sensitive) return '***';
  if (field.type === 'money') return csvCell(moneyInput(Number(value)));
  if (field.type === 'relation') return csvCell(titles?.get(String(value)) ?? String(value));
  if (field.type === 'boolean') return value ? 'true' : 'false';
  return csvCell(value);
}

export function browseRoutes(app: FastifyInstance, options: AdminOptions): void {
  const prefix = options.prefix ?? '/admin';
  const db = options.context.db.kysely;

  app.get(`${prefix}/`, async (request, reply) => {
    const ar = await adminRequest(options, request);
    const home = options.home ?? { sections: [], attention: [] };
    const sections = homeSections(options.site, ar.access, ar.d.language, home.sections);
    const attention = await attentionViews(options.context, options.site, ar.access, ar.d.language, prefix, home.attention);
    const recent = await options.backend.recent(db, ar.user.id, 10);
    return reply.html(
      <AdminShell ctx={ar.ctx} prefix={prefix} title={ar.ctx.t('admin.title')} logoutUrl={options.logoutUrl}>
        <IndexView ctx={ar.ctx} d={ar.d} sections={sections} attention={attention} recent={recent} />
      </AdminShell>,
    );
  });

  app.get(`${prefix}/:app/:name/`, async (request, reply) => {
    const ar = await adminRequest(options, request);
    const resource = resourceFor(ar, request.params);
    const query = request.query as Record<string, unknown>;
    const lq = parseListQuery(resource, query);
    const { columns, choosable } = chosenColumns(ar, resource, query);
    const scope = scopeOf(ar, resource);
    const currencyColumns = columns.flatMap((c) => (c.type === 'money' && c.currencyField ? [c.currencyField] : []));
    const page = await listPage(db, scope, lq, [...columns.map((c) => c.name), ...currencyColumns]);
    const count = await cappedCount(db, scope, lq);
    const titles = await relationTitles(db, options.site, resource, page.rows, columns.map((c) => c.name), ar.d.language);
    const filters = await filterBlocks(ar, resource, lq);
    return reply.html(
      <AdminShell ctx={ar.ctx} prefix={prefix} title={text(resource.labelPlural, ar.d.language)} crumbs={[{ label: text(resource.appLabel, ar.d.language) }, { label: text(resource.labelPlural, ar.d.language) }]} logoutUrl={options.logoutUrl}>
        <ListView
          ctx={ar.ctx}
          d={ar.d}
          resource={resource}
          lq={lq}
          page={page}
          count={count}
          columns={columns}
          choosable={choosable}
          titles={titles}
          filters={filters}
          actions={listActions(ar, resource)}
          canAdd={ar.access.can(resource, 'add')}
        />
      </AdminShell>,
    );
  });

  app.get(`${prefix}/:app/:name`, async (request, reply) => {
    const { app: appName, name } = request.params as { app: string; name: string };
    const qs = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    return reply.redirect(`${prefix}/${encodeURIComponent(appName)}/${encodeURIComponent(name)}/${qs}`);
  });

  app.get(`${prefix}/:app/:name/export.csv`, async (request, reply) => {
    const ar = await adminRequest(options, request);
    const resource = resourceFor(ar, request.params);
    const query = request.query as Record<string, unknown>;
    const lq = parseListQuery(resource, query);
    const { columns } = chosenColumns(ar, resource, {});
    const withKey = columns.some((c) => c.name === primaryKey(resource)) ? columns : [columnField(resource, primaryKey(resource))!, ...columns];
    const names = [...withKey.map((c) => c.name), ...withKey.flatMap((c) => (c.type === 'money' && c.currencyField ? [c.currencyField] : []))];
    const language = ar.d.language;
    async function* lines(): AsyncGenerator<string> {
      yield `\uFEFF${withKey.map((c) => csvCell(text(c.label, language))).join(',')}\r\n`;
      for await (const rows of iterateRows(db, scopeOf(ar, resource), lq, names)) {
        const titles = await relationTitles(db, options.site, resource, rows, names, language);
        yield rows.map((row) => `${withKey.map((c) => csvValue(c, row, titles.get(c.name))).join(',')}\r\n`).join('');
      }
    }
    const stamp = new Date().toISOString().slice(0, 10);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${resource.app}-${resource.name}-${stamp}.csv"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(lines()));
  });

  app.get(`${prefix}/:app/:name/autocomplete`, async (request, reply) => {
    const ar = await adminRequest(options, request);
    const resource = resourceFor(ar, request.params);
    const query = request.query as Record<string, unknown>;
    const term = typeof query.term === 'string' ? query.term : '';
    const lq = { ...parseListQuery(resource, {}), search: term.trim().slice(0, 100), limit: AUTOCOMPLETE_LIMIT };
    const page = await listPage(db, scopeOf(ar, resource), lq, resource.title.columns);
    const labels = await titlesOfRows(db, resource, page.rows, ar.d.language);
    const options_ = page.rows.map((row, i) => ({ value: String(row[primaryKey(resource)]), label: labels[i]! }));
    return reply.html(<AutocompleteOptions ctx={ar.ctx} options={options_} />);
  });
}

