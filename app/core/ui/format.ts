import type { Language } from './i18n.js';

/**
 * The one place that turns durations, money and instants into text for people (dashboard, admin, mails) and
 * money into exact decimals for machines (CSV, API). Money is integer micro-units (1 € = 1 000 000), durations
 * integer seconds, instants ISO-8601 UTC strings; nothing here computes money with floats.
 *
 * - durations: `1 h 05 min` from one hour on (seconds left out), `5 min 15 s` below, `45 s` below a minute;
 *   the units are the same in German and English;
 * - money on pages: two decimals, rounded half to even, grouped (`1.234,57 €`, English `1,234.57 €`);
 * - prices per second and other rates: every decimal they have, at least two (`0,0125 €`);
 * - money for machines: all six decimals, `.` (or `,` for German spreadsheets) as the separator, no grouping.
 */

const MICRO = 1_000_000n;
const MICRO_PER_CENT = 10_000n;
const SYMBOLS: Record<string, string> = { EUR: '€', USD: '$', GBP: '£' };

type Micro = number | bigint | null | undefined;

function toBigInt(value: Micro): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError(`money must be integer micro-units, got ${value}`);
  return BigInt(value);
}

/** numerator / divisor (positive) rounded half to even — the original's Decimal.quantize default. */
function divideHalfEven(numerator: bigint, divisor: bigint): bigint {
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  let quotient = magnitude / divisor;
  const twice = (magnitude % divisor) * 2n;
  if (twice > divisor || (twice === divisor && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

function separators(language: Language): { group: string; decimal: string } {
  return language === 'de' ? { group: '.', decimal: ',' } : { group: ',', decimal: '.' };
}

function amount(negative: boolean, whole: bigint, fraction: string, language: Language, currency: string): string {
  const { group, decimal } = separators(language);
  const grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${negative ? '-' : ''}${grouped}${decimal}${fraction} ${SYMBOLS[currency] ?? currency}`;
}

/** Money on a page: two decimals, half to even ("1.234,57 €"); null/undefined → zero. */
export function formatMoney(micro: Micro, language: Language = 'de', currency = 'EUR'): string {
  const cents = divideHalfEven(toBigInt(micro), MICRO_PER_CENT);
  const magnitude = cents < 0n ? -cents : cents;
  return amount(cents < 0n, magnitude / 100n, (magnitude % 100n).toString().padStart(2, '0'), language, currency);
}

/** A rate (price per second, per run of a tiered program …): exact, at least two decimals ("0,0125 €"). */
export function formatRate(micro: Micro, language: Language = 'de', currency = 'EUR'): string {
  const value = toBigInt(micro);
  const magnitude = value < 0n ? -value : value;
  const fraction = (magnitude % MICRO).toString().padStart(6, '0').replace(/0+$/, '').padEnd(2, '0');
  return amount(value < 0n, magnitude / MICRO, fraction, language, currency);
}

/**
 * Money for machines: all six decimals, no grouping ("1234.567890"); `decimal` is `,` for German spreadsheets.
 * The original's decimal(14,6) text form, used by the REST API and the CSV exports.
 */
export function formatDecimal(micro: number | bigint, decimal: '.' | ',' = '.'): string {
  const value = toBigInt(micro);
  const magnitude = value < 0n ? -value : value;
  return `${value < 0n ? '-' : ''}${magnitude / MICRO}${decimal}${(magnitude % MICRO).toString().padStart(6, '0')}`;
}

/** A duration: "25 h 03 min", "5 min 15 s", "45 s", "0 min"; negative values get a leading "-". */
export function formatDuration(seconds: number | null | undefined): string {
  const total = Math.trunc(seconds ?? 0);
  const sign = total < 0 ? '-' : '';
  const t = Math.abs(total);
  const hours = Math.floor(t / 3600);
  const minutes = Math.floor((t % 3600) / 60);
  const secs = t % 60;
  if (hours > 0) return `${sign}${hours} h ${String(minutes).padStart(2, '0')} min`;
  if (minutes > 0) return secs > 0 ? `${sign}${minutes} min ${String(secs).padStart(2, '0')} s` : `${sign}${minutes} min`;
  return secs > 0 ? `${sign}${secs} s` : '0 min';
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(language: Language, timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${language}|${timeZone}|${withTime}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
    });
    dateTimeFormats.set(key, format);
  }
  return format;
}

/** A UTC timestamp shown in the customer's time zone: "31.12.2024, 23:30" (de), "31/12/2024, 23:30" (en). */
export function formatDateTime(iso: string, timeZone: string, language: Language = 'de'): string {
  return dateTimeFormat(language, timeZone, true).format(new Date(iso));
}

export function formatDate(iso: string, timeZone: string, language: Language = 'de'): string {
  return dateTimeFormat(language, timeZone, false).format(new Date(iso));
}

const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

/** A UTC timestamp as wall-clock time in `timeZone` the way German spreadsheets read it: "01.01.2025 00:30:00". */
export function formatSpreadsheetDateTime(iso: string, timeZone: string): string {
  let format = wallClockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    wallClockFormats.set(timeZone, format);
  }
  const part = Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${part.day}.${part.month}.${part.year} ${part.hour}:${part.minute}:${part.second}`;
}
