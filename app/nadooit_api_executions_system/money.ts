/** Exact money in integer micro-units (1 € = 1_000_000), computed with BigInt where products can grow. */

export const MICRO = 1_000_000;

function toBig(value: number | bigint): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError(`expected an integer, got ${value}`);
  return BigInt(value);
}

function toSafeNumber(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount ${value} exceeds the safe integer range`);
  return n;
}

/** numerator / denominator rounded half to even (banker's rounding, as Django's decimal fields). */
export function divideHalfEven(numerator: number | bigint, denominator: number | bigint): number {
  const n = toBig(numerator);
  const d = toBig(denominator);
  if (d <= 0n) throw new RangeError('denominator must be positive');
  const negative = n < 0n;
  const magnitude = negative ? -n : n;
  let quotient = magnitude / d;
  const twice = (magnitude % d) * 2n;
  if (twice > d || (twice === d && quotient % 2n === 1n)) quotient += 1n;
  return toSafeNumber(negative ? -quotient : quotient);
}

/** seconds × micro-units per second, exact. */
export function multiply(seconds: number, microPerSecond: number): number {
  return toSafeNumber(toBig(seconds) * toBig(microPerSecond));
}

/** The original's decimal(14,6) text form ("2.000000"), used on the wire and in CSV files: core/ui/format.ts. */
export { formatDecimal } from '../core/ui/format.js';

/** Parses "12", "0.0125", "-3.5" (at most 6 decimals) into micro-units; null when it is not such a number. */
export function parseDecimal(text: string): number | null {
  const match = /^\s*([+-]?)(\d+)(?:\.(\d{1,6}))?\s*$/.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  const micro = BigInt(whole!) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
  const value = sign === '-' ? -micro : micro;
  return Number.isSafeInteger(Number(value)) ? Number(value) : null;
}
