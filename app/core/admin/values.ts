import type { Language } from '../ui/i18n.js';

/**
 * Display and input conversions for the admin's field types. Money is integer micro-units (1 € = 1,000,000),
 * seconds are integers, timestamps ISO-8601 UTC strings; nothing here uses floats for money.
 */

const MICRO = 1_000_000n;

/** "12,5", "12.50", "1.234,56" or "-0,000001" → micro-units; null when it is not a decimal amount. */
export function parseMoney(input: string): number | null {
  let s = input.trim().replace(/\s|€/g, '');
  if (s === '') return null;
  if (s.includes(',')) s = s.replace(/\./g, '').replace(',', '.');
  const match = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(s);
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  const micro = BigInt(whole!) * MICRO + BigInt(fraction.padEnd(6, '0'));
  const value = sign === '-' ? -micro : micro;
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(value);
}

/** Micro-units as a plain decimal for an input field: 10_500_000 → "10.5". */
export function moneyInput(micro: number): string {
  const negative = micro < 0;
  const abs = BigInt(Math.abs(micro));
  const fraction = (abs % MICRO).toString().padStart(6, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${abs / MICRO}${fraction ? `.${fraction}` : ''}`;
}

/** An ISO timestamp in the configured time zone, e.g. "01.08.2025, 14:03". */
export function formatDateTime(iso: string | null | undefined, timeZone: string, language: Language = 'de'): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return dateTimeFormat(timeZone, language).format(date);
}

/** Building an Intl formatter costs far more than using one: one per zone and language. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(timeZone: string, language: Language): Intl.DateTimeFormat {
  const key = `${timeZone}|${language}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'medium' });
    formatters.set(key, format);
  }
  return format;
}

export function formatDate(value: string | null | undefined, language: Language = 'de'): string {
  if (!value) return '';
  const [y, m, d] = value.split('-');
  return language === 'de' ? `${d}.${m}.${y}` : value;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/** A cell that starts like a formula is prefixed so spreadsheets show it as text (CSV injection). */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",;\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
