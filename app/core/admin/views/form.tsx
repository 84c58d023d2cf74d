import { FormErrors } from '../../ui/components.js';
import type { FieldErrors } from '../../ui/components.js';
import type { PageContext } from '../../ui/page-context.js';
import { resourceUrl, text } from '../site.js';
import type { AdminField, AdminResource, Row } from '../types.js';
import type { Display } from './cells.js';
import { FormFields } from './widgets.js';
import type { Option } from './widgets.js';

export interface RelationState {
  label?: string;
  options: Option[];
}

export interface FormViewProps {
  ctx: PageContext;
  d: Display;
  resource: AdminResource;
  mode: 'create' | 'change';
  id?: string;
  /** The stored row (change) or the initial values (create). */
  row: Row;
  /** What the inputs show: the submitted input after an error, else the row. */
  values: Row;
  fields: AdminField[];
  editable: Set<string>;
  errors?: FieldErrors;
  relations: Map<string, RelationState>;
  canDelete: boolean;
  /** Set when the record cannot be changed here: the fields are shown as text with this notice, no form. */
  readOnly?: string;
}

/** A record that cannot be changed here: why, its fields as text, and the way back (no save button). */
function ReadOnlyView(p: FormViewProps): JSX.Element {
  const { ctx, d, resource } = p;
  return (
    <div class="card">
      <div class="card-body">
        <div class="alert alert-info d-flex gap-2" role="status" data-admin-readonly>
          <i class="bi bi-lock"></i>
          <span safe>{p.readOnly}</span>
        </div>
        <FormFields ctx={ctx} d={d} fields={p.fields} row={p.row} values={p.row} editable={new Set()} relations={p.relations} />
        <div class="border-top pt-3">
          <a class="btn btn-outline-primary" href={`${resourceUrl(resource, d.prefix)}${encodeURIComponent(p.id!)}/`} safe>
            {ctx.t('admin.readonly.back')}
          </a>
        </div>
      </div>
    </div>
  );
}

export function FormView(p: FormViewProps): JSX.Element {
  if (p.readOnly) return <ReadOnlyView {...p} />;
  const { ctx, d, resource } = p;
  const base = resourceUrl(resource, d.prefix);
  const action = p.mode === 'create' ? `${base}add` : `${base}${encodeURIComponent(p.id!)}/change`;
  const help = text(resource.help, d.language);
  return (
    <div class="card">
      <div class="card-body">
        {help ? <p class="text-muted" safe>{help}</p> : ''}
        <FormErrors ctx={ctx} errors={p.errors} />
        <form method="post" action={action} novalidate id="admin-form">
          <input type="hidden" name="csrfmiddlewaretoken" value={ctx.csrfToken} />
          <FormFields ctx={ctx} d={d} fields={p.fields} row={p.row} values={p.values} editable={p.editable} errors={p.errors} relations={p.relations} />
          <div class="d-flex flex-wrap gap-2 border-top pt-3">
            <button type="submit" class="btn btn-primary" name="_save" value="1" safe>
              {ctx.t('admin.save')}
            </button>
            <button type="submit" class="btn btn-outline-primary" name="_continue" value="1" safe>
              {ctx.t('admin.save_continue')}
            </button>
            <button type="submit" class="btn btn-outline-primary" name="_addanother" value="1" safe>
              {ctx.t('admin.save_add_another')}
            </button>
            <a class="btn btn-link" href={p.mode === 'change' ? `${base}${encodeURIComponent(p.id!)}/` : base} safe>
              {ctx.t('admin.cancel')}
            </a>
            {p.canDelete && p.mode === 'change' ? (
              <a class="btn btn-outline-danger ms-auto" href={`${base}${encodeURIComponent(p.id!)}/delete`} safe>
                {ctx.t('admin.delete')}
              </a>
            ) : (
              ''
            )}
          </div>
        </form>
      </div>
    </div>
  );
}
