import type { Language, Translate } from '../../ui/i18n.js';
import { choicesOf, resourceUrl, text } from '../site.js';
import type { AdminSite } from '../site.js';
import type { AdminField, Row } from '../types.js';
import { formatDuration, formatMoney, formatRate } from '../../ui/format.js';
import { formatDate, formatDateTime } from '../values.js';

/** What every admin view needs to render values: language, zone, URL prefix and the site. */
export interface Display {
  language: Language;
  timeZone: string;
  prefix: string;
  site: AdminSite;
  t: Translate;
}

/** A value as plain text (lists, CSV, read-only form fields). */
export function valueText(field: AdminField, row: Row, d: Display, titles?: Map<string, string>): string {
  const value = row[field.name];
  if (field.sensitive) return value === null || value === undefined ? '' : '***';
  if (value === null || value === undefined) return '';
  switch (field.type) {
    case 'boolean':
      return value ? d.t('admin.yes') : d.t('admin.no');
    case 'choice':
      return text(choicesOf(field).find((c) => c.value === value)?.label, d.language) || String(value);
    case 'money':
      return (field.rate ? formatRate : formatMoney)(Number(value), d.language, field.currencyField ? String(row[field.currencyField] ?? 'EUR') : 'EUR');
    case 'seconds':
      return formatDuration(Number(value));
    case 'datetime':
      return formatDateTime(String(value), d.timeZone, d.language);
    case 'date':
      return formatDate(String(value), d.language);
    case 'relation':
      return titles?.get(String(value)) ?? String(value);
    default:
      return String(value);
  }
}

/** A value in an HTML table cell: booleans as icons, relations as links to the related row. */
export function Value({ field, row, d, titles }: { field: AdminField; row: Row; d: Display; titles?: Map<string, string> }): JSX.Element {
  const value = row[field.name];
  if (field.type === 'boolean' && !field.sensitive && value !== null && value !== undefined) {
    return value ? (
      <i class="bi bi-check-circle-fill text-success" title={d.t('admin.yes')} aria-label={d.t('admin.yes')}></i>
    ) : (
      <i class="bi bi-x-circle-fill text-danger" title={d.t('admin.no')} aria-label={d.t('admin.no')}></i>
    );
  }
  const shown = valueText(field, row, d, titles);
  if (field.type === 'relation' && field.relation && value) {
    const target = d.site.get(field.relation.resource)!;
    return (
      <a href={`${resourceUrl(target, d.prefix)}${encodeURIComponent(String(value))}/`} safe>
        {shown}
      </a>
    );
  }
  if (field.type === 'json' || field.type === 'textarea') {
    return (
      <span class="text-break" safe>
        {shown.length > 200 ? `${shown.slice(0, 200)}…` : shown}
      </span>
    );
  }
  return <span safe>{shown}</span>;
}
