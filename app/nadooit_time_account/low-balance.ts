import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Tx } from '../core/db/transaction.js';
import type { Database } from '../core/db/schema.js';
import './models.js';

/**
 * When a time account's balance counts as low.
 *
 * - A threshold set on the account (admin "Warnschwelle", the dashboard's time-account form) wins: low when
 *   the balance is below it. A threshold of 0 switches the warning off.
 * - Without one, the default is the forecast: low when, at the net use of the last {@link USE_WINDOW_DAYS}
 *   days (bookings minus refunds), the balance lasts less than {@link DEFAULT_RUNWAY_DAYS} more days
 *   (balance < 14 days of use). An account nobody used in that window never warns by default.
 *
 * Only active accounts warn. The ledger page's run-out forecast uses the same window.
 */
export const USE_WINDOW_DAYS = 30;
export const DEFAULT_RUNWAY_DAYS = 14;

const DAY = 86_400_000;

export interface LowBalanceAccount {
  timeAccountId: string;
  name: string | null;
  balanceSeconds: number;
  /** The threshold the balance is compared with: the account's own, or the forecast default. */
  thresholdSeconds: number;
  /** 'set': the account's own threshold; 'forecast': the default (14 days of use). */
  thresholdSource: 'set' | 'forecast';
  /** Net use per day over the window (0 when unused). */
  usedSecondsPerDay: number;
  /** The customer labels of the account (a time account may be shared). */
  customers: Array<{ customerTimeAccountId: string; customerId: string; name: string }>;
}

type Eb = ExpressionBuilder<Database, 'ta_time_accounts'>;

/** Net seconds used from an account since `since` (booking entries are negative, refunds positive). */
function usedSince(eb: Eb, since: string) {
  return eb
    .selectFrom('ta_ledger_entries as e')
    .select(sql<number>`coalesce(-sum(e.seconds), 0)`.as('used'))
    .whereRef('e.time_account_id', '=', 'ta_time_accounts.id')
    .where('e.kind', 'in', ['booking', 'refund'])
    .where('e.created_at', '>', since)
    .$asScalar();
}

/** The low rule as SQL: own threshold, else balance × window < runway × use (integers only, no division). */
function isLowExpression(eb: Eb, since: string): Expression<SqlBool> {
  return eb.or([
    eb.and([eb('low_balance_threshold_seconds', 'is not', null), eb('balance_seconds', '<', eb.ref('low_balance_threshold_seconds'))]),
    eb.and([
      eb('low_balance_threshold_seconds', 'is', null),
      eb(sql`balance_seconds * ${USE_WINDOW_DAYS}`, '<', sql`${DEFAULT_RUNWAY_DAYS} * (${usedSince(eb, since)})`),
    ]),
  ]);
}

function since(now: Date): string {
  return new Date(now.getTime() - USE_WINDOW_DAYS * DAY).toISOString();
}

/** The default threshold for a use over the window: 14 days of it, rounded up to whole seconds. */
export function forecastThreshold(usedSeconds: number): number {
  return Math.ceil((Math.max(0, usedSeconds) * DEFAULT_RUNWAY_DAYS) / USE_WINDOW_DAYS);
}

async function lowAccounts(db: Tx, now: Date, restrict?: readonly string[], limit = 1000): Promise<LowBalanceAccount[]> {
  if (restrict && !restrict.length) return [];
  const from = since(now);
  let query = db
    .selectFrom('ta_time_accounts')
    .select((eb) => ['id', 'name', 'balance_seconds', 'low_balance_threshold_seconds', usedSince(eb, from).as('used')])
    .where('is_active', '=', true)
    .where((eb) => isLowExpression(eb, from))
    .orderBy('balance_seconds')
    .orderBy('id')
    .limit(limit);
  if (restrict) query = query.where('id', 'in', [...restrict]);
  const rows = await query.execute();
  if (!rows.length) return [];
  const labels = await db
    .selectFrom('ta_customer_time_accounts')
    .select(['id', 'customer_id', 'time_account_id', 'name'])
    .where('time_account_id', 'in', rows.map((r) => r.id))
    .orderBy('name')
    .execute();
  return rows.map((row) => {
    const used = Number(row.used ?? 0);
    const own = row.low_balance_threshold_seconds === null ? null : Number(row.low_balance_threshold_seconds);
    return {
      timeAccountId: row.id,
      name: row.name,
      balanceSeconds: Number(row.balance_seconds),
      thresholdSeconds: own ?? forecastThreshold(used),
      thresholdSource: own === null ? 'forecast' : 'set',
      usedSecondsPerDay: used / USE_WINDOW_DAYS,
      customers: labels.filter((l) => l.time_account_id === row.id).map((l) => ({ customerTimeAccountId: l.id, customerId: l.customer_id, name: l.name })),
    };
  });
}

/**
 * Every active time account whose balance is below its low-balance threshold (own or default, see above),
 * lowest balance first, at most `limit` (1000). For staff views such as the admin's "needs attention"
 * panel: no permission check, callers show it to staff only.
 */
export async function listAccountsBelowLowBalance(db: Tx, options: { now?: Date; limit?: number } = {}): Promise<LowBalanceAccount[]> {
  return lowAccounts(db, options.now ?? new Date(), undefined, options.limit);
}

/** The low ones among the given time accounts (ids), keyed by time account id — for a customer's pages. */
export async function lowBalanceOf(db: Tx, timeAccountIds: readonly string[], now: Date = new Date()): Promise<Map<string, LowBalanceAccount>> {
  const low = await lowAccounts(db, now, timeAccountIds);
  return new Map(low.map((a) => [a.timeAccountId, a]));
}

/** The accounts each with `low`: why it is low (threshold and its source), or null when it is not. */
export async function withLowBalance<T extends { timeAccountId: string }>(db: Tx, accounts: readonly T[], now: Date = new Date()): Promise<Array<T & { low: LowBalanceAccount | null }>> {
  const low = await lowBalanceOf(db, [...new Set(accounts.map((a) => a.timeAccountId))], now);
  return accounts.map((a) => ({ ...a, low: low.get(a.timeAccountId) ?? null }));
}
