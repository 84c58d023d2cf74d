import type { Tx } from '../../core/db/transaction.js';
import { transaction } from '../../core/db/transaction.js';

/** N failures within the window lock the key for lockSeconds. */
export interface ThrottlePolicy {
  name: string;
  maxFailures: number;
  windowSeconds: number;
  lockSeconds: number;
}

export const POLICIES = {
  /** Failed security-key logins per user code (also for unknown codes, so both behave the same). */
  userCode: { name: 'code', maxFailures: 5, windowSeconds: 15 * 60, lockSeconds: 15 * 60 },
  /** Failed passwords per staff username. */
  password: { name: 'password', maxFailures: 5, windowSeconds: 15 * 60, lockSeconds: 15 * 60 },
  /** Wrong TOTP or recovery codes per user. */
  secondFactor: { name: 'second-factor', maxFailures: 5, windowSeconds: 15 * 60, lockSeconds: 15 * 60 },
  /** Invalid enrolment or setup tokens per client address. */
  token: { name: 'token', maxFailures: 10, windowSeconds: 15 * 60, lockSeconds: 30 * 60 },
  /** Any failed sign-in attempt per client address (slows down spraying across many codes). */
  address: { name: 'ip', maxFailures: 50, windowSeconds: 15 * 60, lockSeconds: 15 * 60 },
} satisfies Record<string, ThrottlePolicy>;

export function throttleKey(policy: ThrottlePolicy, subject: string): string {
  return `${policy.name}:${subject.toLowerCase().slice(0, 200)}`;
}

/** The latest lock expiry among the keys, or null when none is locked. */
export async function lockedUntil(db: Tx, keys: string[], now = new Date()): Promise<Date | null> {
  if (keys.length === 0) return null;
  const rows = await db
    .selectFrom('auth_throttle')
    .select('locked_until')
    .where('key', 'in', keys)
    .where('locked_until', '>', now.toISOString())
    .execute();
  let latest: Date | null = null;
  for (const row of rows) {
    const until = new Date(row.locked_until!);
    if (!latest || until > latest) latest = until;
  }
  return latest;
}

/**
 * Counts one failure; returns true when this failure started a lockout. The increment is a single
 * UPDATE, so concurrent failures from several processes are all counted.
 */
export async function recordFailure(db: Tx, policy: ThrottlePolicy, subject: string, now = new Date()): Promise<boolean> {
  const key = throttleKey(policy, subject);
  const nowIso = now.toISOString();
  const windowStart = new Date(now.getTime() - policy.windowSeconds * 1000).toISOString();
  return transaction(db, async (tx) => {
    await tx
      .insertInto('auth_throttle')
      .values({ key, failures: 0, window_started_at: nowIso, locked_until: null, updated_at: nowIso })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    await tx
      .updateTable('auth_throttle')
      .set((eb) => ({
        failures: eb.case().when('window_started_at', '<', windowStart).then(1).else(eb('failures', '+', 1)).end(),
        window_started_at: eb.case().when('window_started_at', '<', windowStart).then(nowIso).else(eb.ref('window_started_at')).end(),
        updated_at: nowIso,
      }))
      .where('key', '=', key)
      .execute();
    const row = await tx.selectFrom('auth_throttle').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
    const alreadyLocked = row.locked_until !== null && row.locked_until > nowIso;
    if (row.failures < policy.maxFailures || alreadyLocked) return false;
    await tx
      .updateTable('auth_throttle')
      .set({
        locked_until: new Date(now.getTime() + policy.lockSeconds * 1000).toISOString(),
        failures: 0,
        window_started_at: nowIso,
      })
      .where('key', '=', key)
      .execute();
    return true;
  });
}

/** A success forgets earlier failures of that subject (never used for address keys); a running lock stays. */
export async function clearFailures(db: Tx, policy: ThrottlePolicy, subject: string, now = new Date()): Promise<void> {
  await db
    .deleteFrom('auth_throttle')
    .where('key', '=', throttleKey(policy, subject))
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now.toISOString())]))
    .execute();
}

/** Housekeeping: rows whose window and lock are both over. */
export async function deleteStaleThrottles(db: Tx, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - 24 * 3600 * 1000).toISOString();
  const result = await db
    .deleteFrom('auth_throttle')
    .where('updated_at', '<', cutoff)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now.toISOString())]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
