import type { PageContext } from './page-context.js';

/** Field errors keyed by field name, as produced by `fieldErrors()` from a zod error. */
export type FieldErrors = Record<string, string[] | undefined>;

export function CsrfField({ ctx }: { ctx: PageContext }): JSX.Element {
  return <input type="hidden" name="csrfmiddlewaretoken" value={ctx.csrfToken} />;
}

export interface FieldProps {
  name: string;
  label: string;
  value?: string | number | null;
  type?: string;
  errors?: FieldErrors;
  help?: string;
  required?: boolean;
  autocomplete?: string;
  placeholder?: string;
  inputmode?: string;
  autofocus?: boolean;
}

/** Label, help text and error messages around one form control; ids and invalid state derive from the name. */
function FieldFrame({
  children,
  ...props
}: {
  name: string;
  label: string;
  help?: string;
  messages: string[];
  children: JSX.Element;
}): JSX.Element {
  return (
    <div class="mb-3">
      <label class="form-label" for={`field-${props.name}`} safe>
        {props.label}
      </label>
      {children}
      {props.help ? <div class="form-text" safe>{props.help}</div> : ''}
      {props.messages.map((m) => (
        <div class="invalid-feedback" safe>{m}</div>
      ))}
    </div>
  );
}

export function Field(props: FieldProps): JSX.Element {
  const messages = props.errors?.[props.name] ?? [];
  const invalid = messages.length > 0;
  return (
    <FieldFrame name={props.name} label={props.label} help={props.help} messages={messages}>
      <input
        id={`field-${props.name}`}
        class={`form-control${invalid ? ' is-invalid' : ''}`}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value === null || props.value === undefined ? undefined : String(props.value)}
        required={props.required}
        autocomplete={props.autocomplete}
        placeholder={props.placeholder}
        inputmode={props.inputmode}
        autofocus={props.autofocus}
        aria-invalid={invalid ? 'true' : undefined}
      />
    </FieldFrame>
  );
}

export interface SelectProps {
  name: string;
  label: string;
  options: Array<{ value: string; label: string }>;
  value?: string | string[];
  multiple?: boolean;
  errors?: FieldErrors;
  help?: string;
  required?: boolean;
}

export function Select(props: SelectProps): JSX.Element {
  const messages = props.errors?.[props.name] ?? [];
  const selected = new Set(Array.isArray(props.value) ? props.value : props.value ? [props.value] : []);
  return (
    <FieldFrame name={props.name} label={props.label} help={props.help} messages={messages}>
      <select
        id={`field-${props.name}`}
        name={props.name}
        class={`form-select${messages.length ? ' is-invalid' : ''}`}
        multiple={props.multiple ? 'multiple' : undefined}
        required={props.required}
      >
        {props.options.map((o) => (
          <option value={o.value} selected={selected.has(o.value)} safe>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/** A banner listing form-level errors (the `_form` key) above a form. */
export function FormErrors({ ctx, errors }: { ctx: PageContext; errors?: FieldErrors }): JSX.Element {
  if (!errors || Object.keys(errors).length === 0) return <></>;
  const general = errors._form ?? [];
  return (
    <div class="alert alert-danger" role="alert">
      {general.length ? general.map((m) => <div safe>{m}</div>) : <div safe>{ctx.t('core.form.invalid')}</div>}
    </div>
  );
}

export function EmptyState({ text, icon = 'inbox' }: { text: string; icon?: string }): JSX.Element {
  return (
    <div class="empty-state">
      <i class={`bi bi-${icon}`}></i>
      <span safe>{text}</span>
    </div>
  );
}

export interface Column<Row> {
  header: string;
  cell(row: Row): JSX.Element | string;
  class?: string;
}

export function DataTable<Row>(props: {
  columns: Column<Row>[];
  rows: Row[];
  empty: string;
  footer?: JSX.Element;
  id?: string;
}): JSX.Element {
  if (props.rows.length === 0) return <EmptyState text={props.empty} />;
  const footer: JSX.Element = props.footer ?? <></>;
  return (
    <div class="table-responsive">
      <table class="table table-hover align-middle" id={props.id}>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th scope="col" class={c.class} safe>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr>
              {props.columns.map((c) => (
                <td class={c.class}>{c.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
        {footer}
      </table>
    </div>
  );
}

/** Previous/next links; `hrefFor` builds the URL of another page (keyset cursors or page numbers). */
export function Pagination(props: {
  ctx: PageContext;
  previousHref?: string | null;
  nextHref?: string | null;
  label?: string;
}): JSX.Element {
  if (!props.previousHref && !props.nextHref) return <></>;
  return (
    <nav aria-label="pagination">
      <ul class="pagination">
        <li class={`page-item${props.previousHref ? '' : ' disabled'}`}>
          <a class="page-link" href={props.previousHref ?? '#'} safe>
            {props.ctx.t('core.pagination.previous')}
          </a>
        </li>
        {props.label ? (
          <li class="page-item disabled">
            <span class="page-link" safe>{props.label}</span>
          </li>
        ) : (
          ''
        )}
        <li class={`page-item${props.nextHref ? '' : ' disabled'}`}>
          <a class="page-link" href={props.nextHref ?? '#'} safe>
            {props.ctx.t('core.pagination.next')}
          </a>
        </li>
      </ul>
    </nav>
  );
}
