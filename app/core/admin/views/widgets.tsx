import type { FieldErrors } from '../../ui/components.js';
import type { PageContext } from '../../ui/page-context.js';
import { choicesOf, resourceUrl, text } from '../site.js';
import type { AdminField, Row } from '../types.js';
import { moneyInput } from '../values.js';
import { valueText } from './cells.js';
import type { Display } from './cells.js';

export interface Option {
  value: string;
  label: string;
}

/**
 * A relation as a searchable select: typing in the search box asks the target resource's autocomplete
 * (htmx) for matching options and swaps them into the select, so no page ever loads a whole table.
 */
export function RelationSelect(props: {
  ctx: PageContext;
  d: Display;
  field: AdminField;
  name?: string;
  value: string | null;
  label?: string;
  options?: Option[];
  invalid?: boolean;
  compact?: boolean;
  required?: boolean;
}): JSX.Element {
  const { d, field } = props;
  const target = d.site.get(field.relation!.resource)!;
  const name = props.name ?? field.name;
  const id = `field-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
  const options = [...(props.options ?? [])];
  if (props.value && !options.some((o) => o.value === props.value)) options.unshift({ value: props.value, label: props.label ?? props.value });
  const size = props.compact ? ' form-select-sm' : '';
  return (
    <div class="admin-relation">
      <input
        type="search"
        class={`form-control form-control-sm mb-1`}
        name="term"
        form="admin-detached"
        placeholder={props.ctx.t('admin.relation.search')}
        aria-label={`${text(field.label, d.language)}: ${props.ctx.t('admin.relation.search')}`}
        autocomplete="off"
        hx-get={`${resourceUrl(target, d.prefix)}autocomplete`}
        hx-trigger="input changed delay:250ms, search"
        hx-target={`#${id}`}
        hx-swap="innerHTML"
        data-admin-search-for={id}
      />
      <select id={id} name={name} class={`form-select${size}${props.invalid ? ' is-invalid' : ''}`} required={props.required}>
        <option value="" safe>
          {props.ctx.t('admin.relation.none')}
        </option>
        {options.map((o) => (
          <option value={o.value} selected={o.value === props.value} safe>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The options an autocomplete request answers with (swapped into the select). */
export function AutocompleteOptions({ ctx, options }: { ctx: PageContext; options: Option[] }): JSX.Element {
  return (
    <>
      <option value="" safe>
        {ctx.t('admin.relation.none')}
      </option>
      {options.map((o, index) => (
        <option value={o.value} selected={index === 0} safe>
          {o.label}
        </option>
      ))}
    </>
  );
}

/** A stored value as the text an input shows (money as a decimal, timestamps without seconds). */
export function inputValue(field: AdminField, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (field.type === 'money' && typeof value === 'number') return moneyInput(value);
  if (field.type === 'datetime' && typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) return value.slice(0, 16);
  return String(value);
}

export interface FormFieldProps {
  ctx: PageContext;
  d: Display;
  field: AdminField;
  /** The stored row (for read-only display) and the value to put in the input. */
  row: Row;
  value: unknown;
  editable: boolean;
  errors?: FieldErrors;
  options?: Option[];
  relationLabel?: string;
}

/** One form row: label, the widget for the field type (or the value as text when read-only), help, errors. */
export function FormField(p: FormFieldProps): JSX.Element {
  const { ctx, d, field } = p;
  const messages = p.errors?.[field.name] ?? [];
  const invalid = messages.length > 0;
  const id = `field-${field.name}`;
  const label = text(field.label, d.language);
  const help = text(field.help, d.language);
  const cls = `form-control${invalid ? ' is-invalid' : ''}`;
  const value = field.type === 'password' ? '' : inputValue(field, p.value);
  let widget: JSX.Element;
  if (!p.editable) {
    widget = (
      <div class="form-control-plaintext" id={id} safe>
        {valueText(field, p.row, d, p.relationLabel ? new Map([[String(p.row[field.name]), p.relationLabel]]) : undefined) || '—'}
      </div>
    );
  } else {
    switch (field.type) {
      case 'boolean':
        widget = (
          <div class="form-check">
            <input class={`form-check-input${invalid ? ' is-invalid' : ''}`} type="checkbox" id={id} name={field.name} checked={p.value === true} />
          </div>
        );
        break;
      case 'textarea':
      case 'json':
        widget = (
          <textarea class={cls} id={id} name={field.name} rows="4" required={field.required} safe>
            {value}
          </textarea>
        );
        break;
      case 'choice':
        widget = (
          <select class={`form-select${invalid ? ' is-invalid' : ''}`} id={id} name={field.name} required={field.required}>
            {field.required ? '' : <option value="">—</option>}
            {choicesOf(field).map((c) => (
              <option value={c.value} selected={c.value === value} safe>
                {text(c.label, d.language)}
              </option>
            ))}
          </select>
        );
        break;
      case 'relation':
        widget = (
          <RelationSelect ctx={ctx} d={d} field={field} value={value || null} label={p.relationLabel} options={p.options} invalid={invalid} required={field.required} />
        );
        break;
      default: {
        const type =
          field.type === 'integer' || field.type === 'seconds'
            ? 'number'
            : field.type === 'email'
              ? 'email'
              : field.type === 'date'
                ? 'date'
                : field.type === 'datetime'
                  ? 'datetime-local'
                  : field.type === 'password'
                    ? 'password'
                    : 'text';
        widget = (
          <input
            class={cls}
            id={id}
            name={field.name}
            type={type}
            value={value}
            required={field.required}
            maxlength={field.maxLength !== undefined ? String(field.maxLength) : undefined}
            inputmode={field.type === 'money' ? 'decimal' : undefined}
            step={type === 'number' ? '1' : undefined}
            aria-invalid={invalid ? 'true' : undefined}
            aria-describedby={help ? `${id}-help` : undefined}
          />
        );
      }
    }
  }
  return (
    <div class="row mb-3" data-field={field.name}>
      <label class={`col-sm-3 col-form-label${field.required && p.editable ? ' fw-semibold' : ''}`} for={id} safe>
        {label}
      </label>
      <div class="col-sm-9">
        {widget}
        {field.type === 'seconds' && p.editable ? <div class="form-text" safe>{valueText(field, p.row, d)}</div> : ''}
        {help ? (
          <div class="form-text" id={`${id}-help`} safe>
            {help}
          </div>
        ) : (
          ''
        )}
        {messages.map((m) => (
          <div class="invalid-feedback d-block" safe>
            {m}
          </div>
        ))}
      </div>
    </div>
  );
}

/** The rows of a form: each field editable or shown as text. */
export function FormFields(p: {
  ctx: PageContext;
  d: Display;
  fields: AdminField[];
  row: Row;
  values: Row;
  editable: Set<string>;
  errors?: FieldErrors;
  relations: Map<string, { label?: string; options: Option[] }>;
}): JSX.Element {
  return (
    <>
      {p.fields.map((field) => (
        <FormField
          ctx={p.ctx}
          d={p.d}
          field={field}
          row={p.row}
          value={p.values[field.name]}
          editable={p.editable.has(field.name)}
          errors={p.errors}
          options={p.relations.get(field.name)?.options}
          relationLabel={p.relations.get(field.name)?.label}
        />
      ))}
    </>
  );
}
