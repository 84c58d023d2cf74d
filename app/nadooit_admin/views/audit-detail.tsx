import { fieldOf, text } from '../../core/admin/site.js';
import type { Row } from '../../core/admin/types.js';
import type { Display } from '../../core/admin/views/cells.js';

function parse(value: unknown): Row | null {
  if (typeof value !== 'string' || value === '') return null;
  try {
    return JSON.parse(value) as Row;
  } catch {
    return null;
  }
}

const shown = (value: unknown) => (value === null || value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

/** The audit entry as a table: each field of the object with its value before and after. */
export function auditDetail(row: Row, d: Display): JSX.Element {
  const before = parse(row.before);
  const after = parse(row.after);
  const input = parse(row.input);
  const resource = d.site.get(String(row.resource));
  const changed = new Set(String(row.changed_fields ?? '').split(',').filter(Boolean));
  const names = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const label = (name: string) => (resource ? text(fieldOf(resource, name)?.label, d.language) || name : name);
  return (
    <>
      {input ? (
        <section class="card mb-3">
          <div class="card-header">
            <h2 class="h6 mb-0" safe>{d.t('admin.audit.input')}</h2>
          </div>
          <pre class="card-body mb-0 small" id="audit-input" safe>{JSON.stringify(input, null, 2)}</pre>
        </section>
      ) : (
        ''
      )}
      <section class="card mb-3">
        <div class="table-responsive">
          <table class="table table-sm mb-0" id="audit-changes">
            <thead>
              <tr>
                <th scope="col" safe>{d.t('admin.audit.field')}</th>
                <th scope="col" safe>{d.t('admin.audit.before')}</th>
                <th scope="col" safe>{d.t('admin.audit.after')}</th>
              </tr>
            </thead>
            <tbody>
              {names.map((name) => {
                const old = before ? shown(before[name]) : '—';
                const now = after ? shown(after[name]) : '—';
                return (
                  <tr class={changed.has(name) ? 'table-warning' : ''} data-field={name}>
                    <th scope="row" class="fw-normal" safe>{label(name)}</th>
                    <td class="text-break" safe>{old}</td>
                    <td class="text-break" safe>{now}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
