import { FormErrors } from '../../ui/components.js';
import type { FieldErrors } from '../../ui/components.js';
import type { PageContext } from '../../ui/page-context.js';
import type { Impact } from '../relations.js';
import { resourceUrl, text } from '../site.js';
import type { AdminField, Row } from '../types.js';
import type { Display } from './cells.js';
import { FormFields } from './widgets.js';
import type { Option } from './widgets.js';

function ImpactList({ impacts, d }: { impacts: Impact[]; d: Display }): JSX.Element {
  return (
    <ul>
      {impacts.map((impact) => {
        const base = resourceUrl(impact.resource, d.prefix);
        const effect =
          impact.onDelete === 'cascade'
            ? d.t('admin.delete.will_delete')
            : impact.onDelete === 'set null'
              ? d.t('admin.delete.will_unlink')
              : d.t('admin.delete.blocks');
        const badge = impact.onDelete === 'restrict' ? 'text-bg-danger' : impact.onDelete === 'cascade' ? 'text-bg-warning' : 'text-bg-secondary';
        return (
          <li data-impact={`${impact.resource.app}.${impact.resource.name}`} data-effect={impact.onDelete}>
            <span safe>{`${text(impact.resource.labelPlural, d.language)}: ${impact.count}${impact.capped ? '+' : ''}`}</span>{' '}
            <span class={`badge ${badge}`} safe>
              {effect}
            </span>
            <ul>
              {impact.samples.map((s) => (
                <li>
                  <a href={`${base}${encodeURIComponent(s.id)}/`} safe>
                    {s.title}
                  </a>
                </li>
              ))}
              {impact.count > impact.samples.length ? (
                <li class="text-muted" safe>
                  {d.t('admin.delete.more', { count: impact.count - impact.samples.length })}
                </li>
              ) : (
                ''
              )}
            </ul>
            {impact.children.length ? <ImpactList impacts={impact.children} d={d} /> : ''}
          </li>
        );
      })}
    </ul>
  );
}

type Objects = Array<{ id: string; title: string; href: string }>;

function ObjectList({ id, objects }: { id: string; objects: Objects }): JSX.Element {
  return (
    <ul id={id}>
      {objects.map((o) => (
        <li>
          <a href={o.href} safe>
            {o.title}
          </a>
        </li>
      ))}
    </ul>
  );
}

export interface DeleteViewProps {
  ctx: PageContext;
  d: Display;
  action: string;
  objects: Objects;
  impacts: Impact[];
  blocked: boolean;
  cancelHref: string;
  /** For bulk deletes: the ids travel with the confirmation. */
  ids?: string[];
}

/** Django's "Are you sure?": what is deleted, unlinked or blocks the delete. */
export function DeleteView(p: DeleteViewProps): JSX.Element {
  const { ctx, d } = p;
  return (
    <div class="card">
      <div class="card-body">
        {p.blocked ? (
          <div class="alert alert-danger" data-delete-blocked safe>
            {ctx.t('admin.delete.blocked')}
          </div>
        ) : (
          <p safe>{ctx.t('admin.delete.confirm_text')}</p>
        )}
        <ObjectList id="admin-delete-objects" objects={p.objects} />
        <div id="admin-delete-impact">
          {p.impacts.length ? <ImpactList impacts={p.impacts} d={d} /> : <p class="text-muted" safe>{ctx.t('admin.delete.nothing_related')}</p>}
        </div>
        <form method="post" action={p.action} class="d-flex gap-2">
          <input type="hidden" name="csrfmiddlewaretoken" value={ctx.csrfToken} />
          {(p.ids ?? []).map((id) => (
            <input type="hidden" name="ids" value={id} />
          ))}
          {p.ids ? <input type="hidden" name="action" value="delete" /> : ''}
          <input type="hidden" name="confirm" value="1" />
          {p.blocked ? (
            ''
          ) : (
            <button type="submit" class="btn btn-danger" safe>
              {ctx.t('admin.delete.confirm')}
            </button>
          )}
          <a class="btn btn-outline-secondary" href={p.cancelHref} safe>
            {ctx.t('admin.cancel')}
          </a>
        </form>
      </div>
    </div>
  );
}

export interface ActionViewProps {
  ctx: PageContext;
  d: Display;
  action: { name: string; label: string; description?: string; destructive?: boolean };
  postTo: string;
  objects: Objects;
  fields: AdminField[];
  values: Row;
  errors?: FieldErrors;
  relations: Map<string, { label?: string; options: Option[] }>;
  cancelHref: string;
}

/** The confirmation page of an action: the selected rows and the action's own inputs. */
export function ActionView(p: ActionViewProps): JSX.Element {
  const { ctx, d } = p;
  return (
    <div class="card">
      <div class="card-body">
        {p.action.description ? <p safe>{p.action.description}</p> : ''}
        <FormErrors ctx={ctx} errors={p.errors} />
        <h2 class="h6" safe>{ctx.t('admin.action.selected', { count: p.objects.length })}</h2>
        <ObjectList id="admin-action-objects" objects={p.objects} />
        <form method="post" action={p.postTo} novalidate id="admin-action-form">
          <input type="hidden" name="csrfmiddlewaretoken" value={ctx.csrfToken} />
          <input type="hidden" name="action" value={p.action.name} />
          <input type="hidden" name="confirm" value="1" />
          {p.objects.map((o) => (
            <input type="hidden" name="ids" value={o.id} />
          ))}
          <FormFields ctx={ctx} d={d} fields={p.fields} row={p.values} values={p.values} editable={new Set(p.fields.map((f) => f.name))} errors={p.errors} relations={p.relations} />
          <div class="d-flex gap-2">
            <button type="submit" class={`btn ${p.action.destructive ? 'btn-danger' : 'btn-primary'}`} safe>
              {ctx.t('admin.action.confirm')}
            </button>
            <a class="btn btn-outline-secondary" href={p.cancelHref} safe>
              {ctx.t('admin.cancel')}
            </a>
          </div>
        </form>
      </div>
    </div>
  );
}
