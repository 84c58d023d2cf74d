/** One point of a time account's balance: after each ledger entry. */
export interface BalancePoint {
  at: number;
  balance: number;
  topUp: boolean;
}

import { USE_WINDOW_DAYS } from '../nadooit_time_account/low-balance.js';

const DAY = 86_400_000;
/** The rate is the net use of the last this many days (the same window as the low-balance default). */
export const FORECAST_WINDOW_DAYS = USE_WINDOW_DAYS;

export interface LedgerLike {
  created_at: string;
  kind: string;
  seconds: number;
  balance_after: number;
}

/** The balance after each entry, oldest first (entries may come in any order). */
export function balanceSeries(entries: LedgerLike[]): BalancePoint[] {
  return entries
    .map((e) => ({ at: Date.parse(e.created_at), balance: e.balance_after, topUp: e.kind === 'top_up' }))
    .sort((a, b) => a.at - b.at);
}

/**
 * When the balance reaches zero if bookings go on as in the last 30 days (bookings minus refunds; top-ups and
 * corrections are not use). Null when nothing was used, or the balance is already gone.
 */
export function runOutForecast(entries: LedgerLike[], balance: number, now: Date): { at: Date; secondsPerDay: number } | null {
  const since = now.getTime() - FORECAST_WINDOW_DAYS * DAY;
  const used = -entries
    .filter((e) => (e.kind === 'booking' || e.kind === 'refund') && Date.parse(e.created_at) > since && Date.parse(e.created_at) <= now.getTime())
    .reduce((sum, e) => sum + e.seconds, 0);
  if (used <= 0 || balance <= 0) return null;
  const secondsPerDay = used / FORECAST_WINDOW_DAYS;
  return { at: new Date(now.getTime() + (balance / secondsPerDay) * DAY), secondsPerDay };
}
