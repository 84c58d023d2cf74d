import type { PageContext } from '../../ui/page-context.js';
import { encodeCursor, sortableFields } from '../query.js';
import type { ListQuery, Page } from '../query.js';
import { primaryKey, resourceUrl, text } from '../site.js';
import type { AdminField, AdminResource, Row } from '../types.js';
import type { Display } from './cells.js';
import { ColumnLabel, columnClass, ListValue } from './list-cell.js';
import { RelationSelect } from './widgets.js';

export interface FilterOption {
  label: string;
  value: string | null;
}

export interface FilterBlock {
  field: AdminField;
  /** Links (boolean, choice, period filters) or, for relations, a search select. */
  options?: FilterOption[];
  /** The current value's label for relation/exact filters. */
  currentLabel?: string;
}

export interface ListViewProps {
  ctx: PageContext;
  d: Display;
  resource: AdminResource;
  lq: ListQuery;
  page: Page;
  count: { count: number; capped: boolean };
  columns: AdminField[];
  choosable: AdminField[];
  titles: Map<string, Map<string, string>>;
  filters: FilterBlock[];
  actions: Array<{ name: string; label: string }>;
  canAdd: boolean;
}

/** The list's state as query parameters (search, order, filters, page size), without the page cursor. */
export function stateParams(resource: AdminResource, lq: ListQuery): Record<string, string> {
  const params: Record<string, string> = {};
  if (lq.search) params.q = lq.search;
  if (lq.order.field !== resource.list.ordering.field || lq.order.direction !== resource.list.ordering.direction) {
    params.o = `${lq.order.direction === 'desc' ? '-' : ''}${lq.order.field}`;
  }
  for (const [name, value] of Object.entries(lq.filters)) params[`f.${name}`] = value;
  if (lq.limit !== (resource.list.perPage ?? 50)) params.n = String(lq.limit);
  return params;
}

export function href(base: string, params: Record<string, string | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== '') search.set(key, value);
  const qs = search.toString();
  return qs ? `${base}?${qs}` : base;
}

function HiddenState({ params, skip = [] }: { params: Record<string, string>; skip?: string[] }): JSX.Element {
  return (
    <>
      {Object.entries(params)
        .filter(([k]) => !skip.includes(k))
        .map(([k, v]) => (
          <input type="hidden" name={k} value={v} />
        ))}
    </>
  );
}

function SortHeader({ field, p }: { field: AdminField; p: ListViewProps }): JSX.Element {
  const align = columnClass(field)?.includes('text-end') ? 'text-end' : undefined;
  if (!sortableFields(p.resource).includes(field.name)) {
    return (
      <th scope="col" class={align}>
        <ColumnLabel field={field} d={p.d} />
      </th>
    );
  }
  const base = resourceUrl(p.resource, p.d.prefix);
  const state = stateParams(p.resource, p.lq);
  const active = p.lq.order.field === field.name;
  const nextOrder = active && p.lq.order.direction === 'asc' ? `-${field.name}` : field.name;
  const icon = !active ? '' : p.lq.order.direction === 'asc' ? 'bi bi-caret-up-fill' : 'bi bi-caret-down-fill';
  return (
    <th scope="col" class={align} aria-sort={active ? (p.lq.order.direction === 'asc' ? 'ascending' : 'descending') : undefined}>
      <a href={href(base, { ...state, o: nextOrder })} class="text-decoration-none">
        <ColumnLabel field={field} d={p.d} /> {icon ? <i class={icon}></i> : ''}
      </a>
    </th>
  );
}

function Filters(p: ListViewProps): JSX.Element {
  if (p.filters.length === 0) return <></>;
  const base = resourceUrl(p.resource, p.d.prefix);
  const state = stateParams(p.resource, p.lq);
  return (
    <div class="card mb-3">
      <div class="card-body">
        <h2 class="h6" safe>{p.ctx.t('admin.filter')}</h2>
        {p.filters.map((block) => {
          const key = `f.${block.field.name}`;
          const current = p.lq.filters[block.field.name] ?? null;
          return (
            <div class="mb-3" data-admin-filter={block.field.name}>
              <div class="small fw-semibold text-muted" safe>{text(block.field.label, p.d.language)}</div>
              {block.options ? (
                <ul class="list-unstyled mb-0 small">
                  {[{ label: p.ctx.t('admin.filter.all'), value: null }, ...block.options].map((o) => (
                    <li>
                      <a href={href(base, { ...state, [key]: o.value })} class={o.value === current ? 'fw-bold' : ''} safe>
                        {o.label}
                      </a>
                    </li>
                  ))}
                </ul>
              ) : (
                <form method="get" action={base} class="small">
                  <HiddenState params={state} skip={[key]} />
                  {block.field.type === 'relation' ? (
                    <RelationSelect ctx={p.ctx} d={p.d} field={block.field} name={key} value={current} label={block.currentLabel} compact />
                  ) : (
                    <input class="form-control form-control-sm" name={key} value={current ?? ''} />
                  )}
                  <button type="submit" class="btn btn-sm btn-outline-secondary mt-1" safe>
                    {p.ctx.t('admin.filter.apply')}
                  </button>
                  {current ? (
                    <a class="ms-2" href={href(base, { ...state, [key]: null })} safe>
                      {p.ctx.t('admin.filter.all')}
                    </a>
                  ) : (
                    ''
                  )}
                </form>
              )}
            </div>
          );
        })}
        {Object.keys(p.lq.filters).length ? (
          <a class="small" href={href(base, { q: p.lq.search })} safe>
            {p.ctx.t('admin.filter.clear')}
          </a>
        ) : (
          ''
        )}
      </div>
    </div>
  );
}

function ColumnChooser(p: ListViewProps): JSX.Element {
  if (p.choosable.length <= 1) return <></>;
  const shown = new Set(p.columns.map((c) => c.name));
  return (
    <details class="mb-3">
      <summary class="small" safe>{p.ctx.t('admin.columns')}</summary>
      <form method="get" action={resourceUrl(p.resource, p.d.prefix)} class="small mt-2">
        <HiddenState params={stateParams(p.resource, p.lq)} />
        <input type="hidden" name="setcols" value="1" />
        {p.choosable.map((f) => (
          <div class="form-check">
            <input class="form-check-input" type="checkbox" name="cols" value={f.name} id={`col-${f.name}`} checked={shown.has(f.name)} />
            <label class="form-check-label" for={`col-${f.name}`} safe>
              {text(f.label, p.d.language)}
            </label>
          </div>
        ))}
        <button type="submit" class="btn btn-sm btn-outline-secondary mt-1" safe>
          {p.ctx.t('admin.columns.apply')}
        </button>
      </form>
    </details>
  );
}

function Pager(p: ListViewProps): JSX.Element {
  const base = resourceUrl(p.resource, p.d.prefix);
  const state = stateParams(p.resource, p.lq);
  const { previous, next } = p.page;
  const item = (label: string, target: string | null, rel?: string) => (
    <li class={`page-item${target ? '' : ' disabled'}`}>
      <a class="page-link" href={target ?? '#'} rel={rel} safe>
        {label}
      </a>
    </li>
  );
  return (
    <nav aria-label="pagination">
      <ul class="pagination pagination-sm">
        {item(p.ctx.t('admin.page.first'), previous ? href(base, state) : null)}
        {item(p.ctx.t('core.pagination.previous'), previous ? href(base, { ...state, before: encodeCursor(previous) }) : null, 'prev')}
        {item(p.ctx.t('core.pagination.next'), next ? href(base, { ...state, after: encodeCursor(next) }) : null, 'next')}
        {item(p.ctx.t('admin.page.last'), next ? href(base, { ...state, last: '1' }) : null)}
      </ul>
    </nav>
  );
}

export function ListView(p: ListViewProps): JSX.Element {
  const { ctx, d, resource } = p;
  const base = resourceUrl(resource, d.prefix);
  const pk = primaryKey(resource);
  const state = stateParams(resource, p.lq);
  const countLabel = p.count.capped
    ? ctx.t('admin.count_capped', { count: p.count.count.toLocaleString(d.language) })
    : ctx.t('admin.count', { count: p.count.count.toLocaleString(d.language) });
  const selectable = p.actions.length > 0;
  return (
    <div class="row">
      <div class={p.filters.length ? 'col-lg-9' : 'col-12'}>
        <div class="d-flex flex-wrap gap-2 align-items-center mb-3">
          {resource.list.search?.length ? (
            <form method="get" action={base} class="d-flex gap-2" role="search">
              <HiddenState params={state} skip={['q']} />
              <input class="form-control" type="search" name="q" value={p.lq.search} placeholder={ctx.t('admin.search_placeholder')} aria-label={ctx.t('admin.search')} />
              <button class="btn btn-outline-primary" type="submit" safe>
                {ctx.t('admin.search')}
              </button>
            </form>
          ) : (
            ''
          )}
          <span class="text-muted small" data-admin-count safe>{countLabel}</span>
          <span class="ms-auto"></span>
          <a class="btn btn-outline-secondary btn-sm" href={href(`${base}export.csv`, state)}>
            <i class="bi bi-download"></i> <span safe>{ctx.t('admin.export_csv')}</span>
          </a>
          {p.canAdd ? (
            <a class="btn btn-primary btn-sm" href={`${base}add`}>
              <i class="bi bi-plus-lg"></i> <span safe>{ctx.t('admin.add_title', { model: text(resource.label, d.language) })}</span>
            </a>
          ) : (
            ''
          )}
        </div>
        <ColumnChooser {...p} />
        <form method="post" action={`${base}action`}>
          <input type="hidden" name="csrfmiddlewaretoken" value={ctx.csrfToken} />
          {selectable ? (
            <div class="d-flex gap-2 align-items-center mb-2">
              <label class="small text-muted" for="admin-action" safe>{ctx.t('admin.action')}</label>
              <select class="form-select form-select-sm w-auto" name="action" id="admin-action">
                {p.actions.map((a) => (
                  <option value={a.name} safe>
                    {a.label}
                  </option>
                ))}
              </select>
              <button type="submit" class="btn btn-sm btn-outline-primary" safe>
                {ctx.t('admin.action.run')}
              </button>
              <span class="small text-muted">
                (<span data-admin-selected-count>0</span>)
              </span>
            </div>
          ) : (
            ''
          )}
          {p.page.rows.length === 0 ? (
            <p class="text-muted" safe>{ctx.t('admin.empty')}</p>
          ) : (
            <div class="table-responsive">
              <table class="table table-sm table-hover align-middle bg-white" id="admin-list">
                <thead>
                  <tr>
                    {selectable ? (
                      <th scope="col">
                        <input type="checkbox" class="form-check-input" data-admin-select-all aria-label={ctx.t('admin.select_all')} />
                      </th>
                    ) : (
                      ''
                    )}
                    {p.columns.map((f) => (
                      <SortHeader field={f} p={p} />
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {p.page.rows.map((row: Row) => {
                    const id = String(row[pk]);
                    const link = `${base}${encodeURIComponent(id)}/`;
                    return (
                      <tr data-id={id}>
                        {selectable ? (
                          <td>
                            <input type="checkbox" class="form-check-input" name="ids" value={id} aria-label={id} />
                          </td>
                        ) : (
                          ''
                        )}
                        {p.columns.map((f, index) =>
                          index === 0 && f.type !== 'relation' ? (
                            <td class={columnClass(f)}>
                              <a href={link}>
                                <ListValue field={f} row={row} d={d} titles={p.titles.get(f.name)} />
                              </a>
                            </td>
                          ) : (
                            <td class={columnClass(f)}>
                              {index === 0 ? (
                                <a href={link} class="me-1" aria-label={ctx.t('admin.view')}>
                                  <i class="bi bi-box-arrow-up-right"></i>
                                </a>
                              ) : (
                                ''
                              )}
                              <ListValue field={f} row={row} d={d} titles={p.titles.get(f.name)} />
                            </td>
                          ),
                        )}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </form>
        <Pager {...p} />
      </div>
      {p.filters.length ? (
        <div class="col-lg-3">
          <Filters {...p} />
        </div>
      ) : (
        ''
      )}
    </div>
  );
}
