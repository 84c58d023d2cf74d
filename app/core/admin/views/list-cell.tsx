import { formatDateTime } from '../../ui/format.js';
import { text } from '../site.js';
import type { AdminField, Row } from '../types.js';
import { Value, valueText } from './cells.js';
import type { Display } from './cells.js';

const NUMERIC = new Set(['integer', 'seconds', 'money']);

/** How a list column is aligned: numbers right (digits under digits), times on one line. */
export function columnClass(field: AdminField): string | undefined {
  if (NUMERIC.has(field.type)) return 'text-end text-nowrap admin-number';
  if (field.type === 'datetime' || field.type === 'date') return 'text-nowrap';
  return undefined;
}

/** A column's header: its short list label if it has one (the full label as a tooltip). */
export function ColumnLabel({ field, d }: { field: AdminField; d: Display }): JSX.Element {
  if (!field.listLabel) return <span safe>{text(field.label, d.language)}</span>;
  return (
    <span title={text(field.label, d.language)} safe>
      {text(field.listLabel, d.language)}
    </span>
  );
}

/**
 * A value in a list or inline table, compact: a status (a choice with declared badges) as a coloured badge,
 * a time to the minute (the row's page shows the seconds).
 */
export function ListValue({ field, row, d, titles }: { field: AdminField; row: Row; d: Display; titles?: Map<string, string> }): JSX.Element {
  const value = row[field.name];
  if (field.type === 'datetime' && typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
    return (
      <time datetime={value} safe>
        {formatDateTime(value, d.timeZone, d.language)}
      </time>
    );
  }
  if (field.type === 'choice' && field.badges && value !== null && value !== undefined) {
    const tone = field.badges[String(value)] ?? 'secondary';
    return (
      <span class={`badge rounded-pill text-bg-${tone}`} data-status={String(value)} safe>
        {valueText(field, row, d, titles)}
      </span>
    );
  }
  return <Value field={field} row={row} d={d} titles={titles} />;
}
