import { createHash } from 'node:crypto';

/**
 * Values as the original (Django) stored them, turned into this system's types. Django's SQLite backend
 * stores UUIDs as 32 hex digits, decimals as INTEGER or REAL, booleans as 0/1 and datetimes as UTC text;
 * a PostgreSQL source is read as text ('t'/'f', dashed UUIDs, '… +00' timestamps). Every function accepts
 * both and throws LegacyValueError with the reason when a value cannot be taken over.
 */
export class LegacyValueError extends Error {}

const HEX32 = /^[0-9a-f]{32}$/i;
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function legacyUuid(value: unknown, what = 'id'): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (HEX32.test(text)) {
    const h = text.toLowerCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  if (DASHED.test(text)) return text.toLowerCase();
  throw new LegacyValueError(`${what} is not a UUID: ${JSON.stringify(value)}`);
}

export function legacyOptionalUuid(value: unknown, what = 'id'): string | null {
  return value === null || value === undefined || value === '' ? null : legacyUuid(value, what);
}

/**
 * A stable UUID for a row whose original key is not a UUID (integer keys of role contracts, plugins, bots …;
 * the employee key of API-key managers): the same legacy row always maps to the same id, so a second import
 * finds what the first one wrote.
 */
export function derivedUuid(table: string, key: unknown): string {
  const text = typeof key === 'number' || typeof key === 'bigint' ? String(key) : typeof key === 'string' && key.trim() ? key.trim().toLowerCase() : null;
  if (text === null) throw new LegacyValueError(`${table}: the row has no key`);
  const bytes = createHash('sha256').update(`nadooit-legacy:${table}:${text}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80; // version 8 (custom), RFC 9562
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return legacyUuid(bytes.toString('hex'));
}

export function legacyInteger(value: unknown, what = 'value'): number {
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new LegacyValueError(`${what} is not an integer: ${JSON.stringify(String(value))}`);
  return n;
}

export function legacyBool(value: unknown, what = 'flag'): boolean {
  if (value === true || value === 1 || value === '1' || value === 't' || value === 'true') return true;
  if (value === false || value === 0 || value === '0' || value === 'f' || value === 'false') return false;
  throw new LegacyValueError(`${what} is not a boolean: ${JSON.stringify(value)}`);
}

/**
 * A decimal (django-money / DecimalField) as integer micro-units, exactly as Django reads it back: a float
 * from SQLite is first rounded to 15 significant digits, then to 6 decimal places, half to even.
 */
export function legacyMicros(value: unknown, what = 'amount'): number {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new LegacyValueError(`${what} is not a number: ${value}`);
    text = value.toPrecision(15);
  } else if (typeof value === 'string' && value.trim() !== '') text = value.trim();
  else if (typeof value === 'bigint') text = value.toString();
  else throw new LegacyValueError(`${what} is missing`);
  const micros = decimalToMicros(text);
  if (micros === null || !Number.isSafeInteger(micros)) throw new LegacyValueError(`${what} is not a decimal: ${JSON.stringify(value)}`);
  return micros;
}

function decimalToMicros(text: string): number | null {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!match || (!match[2] && !match[3])) return null;
  const negative = match[1] === '-';
  const digits = `${match[2] ?? ''}${match[3] ?? ''}`.replace(/^0+(?=\d)/, '') || '0';
  // value = digits × 10^(exponent − fraction length); we want value × 10^6
  const shift = Number(match[4] ?? 0) - (match[3]?.length ?? 0) + 6;
  let units: bigint;
  if (shift >= 0) units = BigInt(digits) * 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    const whole = BigInt(digits);
    units = whole / divisor;
    const rest = (whole % divisor) * 2n;
    if (rest > divisor || (rest === divisor && units % 2n === 1n)) units += 1n;
  }
  const result = Number(negative ? -units : units);
  return Object.is(result, -0) ? 0 : result;
}

const DATETIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,9})?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Django datetimes (UTC text without offset on SQLite; with offset from PostgreSQL) as ISO-8601 UTC. */
export function legacyTimestamp(value: unknown, what = 'timestamp'): string {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  const match = typeof value === 'string' ? DATETIME.exec(value.trim()) : null;
  if (!match) throw new LegacyValueError(`${what} is not a date and time: ${JSON.stringify(value)}`);
  const fraction = (match[3] ?? '.000').slice(0, 4).padEnd(4, '0');
  let zone = match[4] ?? 'Z';
  if (/^[+-]\d{2}$/.test(zone)) zone += ':00';
  const date = new Date(`${match[1]}T${match[2]}${fraction}${zone}`);
  if (Number.isNaN(date.getTime())) throw new LegacyValueError(`${what} is not a valid date and time: ${JSON.stringify(value)}`);
  return date.toISOString();
}

export function legacyOptionalTimestamp(value: unknown, what = 'timestamp'): string | null {
  return value === null || value === undefined || value === '' ? null : legacyTimestamp(value, what);
}

export function legacyDate(value: unknown, what = 'date'): string {
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    throw new LegacyValueError(`${what} is not a date: ${JSON.stringify(value)}`);
  }
  return text;
}

export function legacyOptionalDate(value: unknown, what = 'date'): string | null {
  return value === null || value === undefined || value === '' ? null : legacyDate(value, what);
}

// Control characters other than tab and line breaks, and lone surrogates, are refused as everywhere else.
const UNSAFE_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function legacyText(value: unknown, what = 'text'): string {
  if (typeof value !== 'string') throw new LegacyValueError(`${what} is not text`);
  if (UNSAFE_TEXT.test(value)) throw new LegacyValueError(`${what} contains control characters`);
  return value;
}

/** Optional text: null, undefined and '' (Django's "blank") become null. */
export function legacyOptionalText(value: unknown, what = 'text'): string | null {
  return value === null || value === undefined || value === '' ? null : legacyText(value, what);
}

/** The `created_at` / `updated_at` pair most of the original's tables carry. */
export function timestampsOf(row: Record<string, unknown>): { created_at: string; updated_at: string } {
  return { created_at: legacyTimestamp(row.created_at, 'created_at'), updated_at: legacyTimestamp(row.updated_at, 'updated_at') };
}
