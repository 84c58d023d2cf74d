import type { PageContext } from '../../ui/page-context.js';
import { primaryKey, resourceUrl, text } from '../site.js';
import type { AdminField, AdminInline, AdminResource, Row } from '../types.js';
import type { Display } from './cells.js';
import { ColumnLabel, columnClass, ListValue } from './list-cell.js';
import { href } from './list.js';

export interface InlineData {
  inline: AdminInline;
  resource: AdminResource;
  columns: AdminField[];
  rows: Row[];
  more: boolean;
  titles: Map<string, Map<string, string>>;
  canAdd: boolean;
}

export interface DetailViewProps {
  ctx: PageContext;
  d: Display;
  resource: AdminResource;
  row: Row;
  fields: AdminField[];
  titles: Map<string, Map<string, string>>;
  canChange: boolean;
  canDelete: boolean;
  actions: Array<{ name: string; label: string; destructive?: boolean }>;
  inlines: InlineData[];
  historyHref: string | null;
  extra?: JSX.Element;
  /** Why the model is not edited by form (shown as a notice), when it is not. */
  readOnly?: string;
}


function InlineTable({ data, d, parentId }: { data: InlineData; d: Display; parentId: string }): JSX.Element {
  const base = resourceUrl(data.resource, d.prefix);
  const pk = primaryKey(data.resource);
  const title = text(data.inline.label ?? data.resource.labelPlural, d.language);
  return (
    <section class="card mb-3" data-inline={`${data.resource.app}.${data.resource.name}`}>
      <div class="card-header d-flex align-items-center">
        <h2 class="h6 mb-0" safe>{title}</h2>
        <a class="ms-auto small" href={href(base, { [`f.${data.inline.field}`]: parentId })} safe>
          {d.t('admin.inline.all')}
        </a>
        {data.canAdd ? (
          <a class="ms-3 small" href={href(`${base}add`, { [data.inline.field]: parentId })}>
            <i class="bi bi-plus-lg"></i> <span safe>{d.t('admin.inline.add')}</span>
          </a>
        ) : (
          ''
        )}
      </div>
      {data.rows.length === 0 ? (
        <div class="card-body text-muted small" safe>{d.t('admin.empty')}</div>
      ) : (
        <div class="table-responsive">
          <table class="table table-sm mb-0 align-middle">
            <thead>
              <tr>
                {data.columns.map((c) => (
                  <th scope="col" class={columnClass(c)?.includes('text-end') ? 'text-end' : undefined}>
                    <ColumnLabel field={c} d={d} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.rows.map((row) => (
                <tr>
                  {data.columns.map((c, index) => (
                    <td class={columnClass(c)}>
                      {index === 0 ? (
                        <a href={`${base}${encodeURIComponent(String(row[pk]))}/`}>
                          <ListValue field={c} row={row} d={d} titles={data.titles.get(c.name)} />
                        </a>
                      ) : (
                        <ListValue field={c} row={row} d={d} titles={data.titles.get(c.name)} />
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Extra({ content }: { content?: JSX.Element }): JSX.Element {
  return content ?? <></>;
}

/** A row read-only, with what the user may do next and the related rows (inlines). */
export function DetailView(p: DetailViewProps): JSX.Element {
  const { ctx, d, resource, row } = p;
  const base = resourceUrl(resource, d.prefix);
  const id = String(row[primaryKey(resource)]);
  const objectBase = `${base}${encodeURIComponent(id)}/`;
  return (
    <>
      <div class="d-flex flex-wrap gap-2 mb-3">
        {p.canChange ? (
          <a class="btn btn-primary btn-sm" href={`${objectBase}change`}>
            <i class="bi bi-pencil"></i> <span safe>{ctx.t('admin.change')}</span>
          </a>
        ) : (
          ''
        )}
        {p.actions.map((a) => (
          <a class={`btn btn-sm ${a.destructive ? 'btn-outline-danger' : 'btn-outline-primary'}`} href={href(`${base}action`, { action: a.name, ids: id })} safe>
            {a.label}
          </a>
        ))}
        {p.historyHref ? (
          <a class="btn btn-outline-secondary btn-sm" href={p.historyHref}>
            <i class="bi bi-clock-history"></i> <span safe>{ctx.t('admin.history')}</span>
          </a>
        ) : (
          ''
        )}
        {p.canDelete ? (
          <a class="btn btn-outline-danger btn-sm ms-auto" href={`${objectBase}delete`}>
            <i class="bi bi-trash"></i> <span safe>{ctx.t('admin.delete')}</span>
          </a>
        ) : (
          ''
        )}
      </div>
      {p.readOnly ? (
        <p class="small text-muted" data-admin-readonly>
          <i class="bi bi-lock"></i> <span safe>{p.readOnly}</span>
        </p>
      ) : (
        ''
      )}
      <div class="card mb-3">
        <div class="card-body">
          <dl class="row mb-0" id="admin-detail">
            {p.fields.map((f) => (
              <>
                <dt class="col-sm-3" safe>
                  {text(f.label, d.language)}
                </dt>
                <dd class="col-sm-9" data-field={f.name}>
                  <ListValue field={f} row={row} d={d} titles={p.titles.get(f.name)} />
                </dd>
              </>
            ))}
          </dl>
        </div>
      </div>
      <Extra content={p.extra} />
      {p.inlines.map((data) => (
        <InlineTable data={data} d={d} parentId={id} />
      ))}
      <a href={base} safe>
        {ctx.t('admin.back_to_list')}
      </a>
    </>
  );
}
