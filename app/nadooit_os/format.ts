import type { Language } from '../core/ui/i18n.js';

/** 1 € = 1_000_000 micro-units; the dashboard shows 3 decimals, so 1 display unit = 1000 micro-units. */
const MICRO_PER_MILLI = 1000n;

function toBigInt(value: number | bigint): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError(`money must be integer micro-units, got ${value}`);
  return BigInt(value);
}

/**
 * Micro-units → thousandths, rounding half to even (the original's Decimal.quantize default), exact in
 * integer arithmetic for any magnitude.
 */
export function microToMilliHalfEven(micro: number | bigint): bigint {
  const value = toBigInt(micro);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  let quotient = magnitude / MICRO_PER_MILLI;
  const remainder = magnitude % MICRO_PER_MILLI;
  const half = MICRO_PER_MILLI / 2n;
  if (remainder > half || (remainder === half && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

function groupThousands(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/**
 * Money as the original showed it: three decimals, `.` thousands and `,` decimals in German
 * ("1.234,567 €"), `,` and `.` in English ("1,234.567 €"). null/undefined → zero.
 */
export function formatMoney(micro: number | bigint | null | undefined, language: Language = 'de', currency = 'EUR'): string {
  const milli = microToMilliHalfEven(micro ?? 0);
  const negative = milli < 0n;
  const magnitude = negative ? -milli : milli;
  const whole = (magnitude / 1000n).toString();
  const fraction = (magnitude % 1000n).toString().padStart(3, '0');
  const [thousands, decimal] = language === 'de' ? ['.', ','] : [',', '.'];
  const symbol = currency === 'EUR' ? '€' : currency;
  return `${negative ? '-' : ''}${groupThousands(whole, thousands)}${decimal}${fraction} ${symbol}`;
}

/** Plain decimal text of micro-units for CSV cells ("1234.567000"): exact, machine-readable. */
export function microToDecimalString(micro: number | bigint): string {
  const value = toBigInt(micro);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  return `${negative ? '-' : ''}${magnitude / 1_000_000n}.${(magnitude % 1_000_000n).toString().padStart(6, '0')}`;
}

/** "25 std : 3 min : 5 sek" (no zero padding), as the original; English "25 h : 3 min : 5 s". */
export function formatDuration(seconds: number | null | undefined, language: Language = 'de'): string {
  const total = Math.trunc(seconds ?? 0);
  const sign = total < 0 ? '-' : '';
  const t = Math.abs(total);
  const hours = Math.floor(t / 3600);
  const minutes = Math.floor((t % 3600) / 60);
  const secs = t % 60;
  return language === 'de' ? `${sign}${hours} std : ${minutes} min : ${secs} sek` : `${sign}${hours} h : ${minutes} min : ${secs} s`;
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
