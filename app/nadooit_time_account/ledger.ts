import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import { transaction } from '../core/db/transaction.js';
import type { Tx } from '../core/db/transaction.js';
import { Conflict, InvalidInput, NotFound } from '../core/errors.js';
import { isUuid } from '../core/ids.js';
import type { LedgerEntriesTable, LedgerEntryKind } from './models.js';
import './models.js';

/**
 * The time-account ledger. Every change of a balance is one entry written in the same transaction as the
 * balance, so balance = sum(entries) always holds and balances never go negative (also a CHECK constraint).
 * Balance changes are conditional relative UPDATEs (`balance = balance + d WHERE balance + d >= 0`), which
 * are atomic on SQLite (BEGIN IMMEDIATE), PostgreSQL (row lock, re-evaluated under READ COMMITTED) and
 * CockroachDB (SERIALIZABLE, retried by transaction()) alike — no dialect-specific locking needed.
 */

export type LedgerEntry = Selectable<LedgerEntriesTable>;

export interface LedgerChange {
  entryId: string;
  balanceAfter: number;
}

function seconds(value: number, what: string, { positive }: { positive: boolean }): number {
  if (!Number.isSafeInteger(value) || (positive ? value <= 0 : value === 0)) {
    throw new InvalidInput(positive ? `${what} muss eine ganze Zahl größer 0 sein.` : `${what} muss eine ganze Zahl ungleich 0 sein.`);
  }
  return value;
}

/** Adds `delta` unless the balance would go negative; the new balance, or undefined when refused. Throws NotFound for an unknown account. */
async function applyDelta(tx: Tx, timeAccountId: string, delta: number): Promise<number | undefined> {
  if (!isUuid(timeAccountId)) throw new NotFound('Zeitkonto nicht gefunden');
  const row = await tx
    .updateTable('ta_time_accounts')
    .set({ balance_seconds: sql`balance_seconds + ${delta}`, updated_at: new Date().toISOString() })
    .where('id', '=', timeAccountId)
    .where(sql<boolean>`balance_seconds + ${delta} >= 0`)
    .returning('balance_seconds')
    .executeTakeFirst();
  if (row) return Number(row.balance_seconds);
  await balanceOf(tx, timeAccountId);
  return undefined;
}

async function writeEntry(
  tx: Tx,
  entry: { timeAccountId: string; kind: LedgerEntryKind; seconds: number; balanceAfter: number; at?: Date } & Partial<
    Pick<LedgerEntry, 'note' | 'reference' | 'execution_id' | 'author_user_id'>
  >,
): Promise<LedgerChange> {
  const id = randomUUID();
  // The caller holds the account's row lock (its balance UPDATE came first); the account counts the entries.
  const { last_seq: seq } = await tx
    .updateTable('ta_time_accounts')
    .set({ last_seq: sql`last_seq + 1` })
    .where('id', '=', entry.timeAccountId)
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('ta_ledger_entries')
    .values({
      id,
      seq: Number(seq),
      time_account_id: entry.timeAccountId,
      kind: entry.kind,
      seconds: entry.seconds,
      balance_after: entry.balanceAfter,
      note: entry.note ?? null,
      reference: entry.reference ?? null,
      execution_id: entry.execution_id ?? null,
      author_user_id: entry.author_user_id ?? null,
      created_at: (entry.at ?? new Date()).toISOString(),
    })
    .execute();
  return { entryId: id, balanceAfter: entry.balanceAfter };
}

/** True for an existing account that takes bookings. */
export async function timeAccountIsActive(db: Tx, timeAccountId: string): Promise<boolean> {
  if (!isUuid(timeAccountId)) return false;
  const row = await db.selectFrom('ta_time_accounts').select('is_active').where('id', '=', timeAccountId).executeTakeFirst();
  return Boolean(row?.is_active);
}

/** The current balance in seconds; throws NotFound for an unknown account. */
export async function balanceOf(db: Tx, timeAccountId: string): Promise<number> {
  const row = isUuid(timeAccountId)
    ? await db.selectFrom('ta_time_accounts').select('balance_seconds').where('id', '=', timeAccountId).executeTakeFirst()
    : undefined;
  if (!row) throw new NotFound('Zeitkonto nicht gefunden');
  return Number(row.balance_seconds);
}

/**
 * Creates a TimeAccount. A non-zero opening balance (new or imported) is written as an `opening` entry,
 * so the ledger explains the balance from the first second.
 */
export async function createTimeAccount(
  db: Tx,
  input: {
    name: string | null;
    openingBalanceSeconds?: number;
    authorUserId?: string | null;
    note?: string;
    lowBalanceThresholdSeconds?: number | null;
    isActive?: boolean;
    /** When the opening entry happened (imports and demo history); now by default. */
    openedAt?: Date;
  },
): Promise<{ id: string; balanceSeconds: number }> {
  const opening = input.openingBalanceSeconds ?? 0;
  if (!Number.isSafeInteger(opening) || opening < 0) throw new InvalidInput('Der Anfangsstand muss eine ganze Zahl ≥ 0 sein.');
  return transaction(db, async (tx) => {
    const id = randomUUID();
    const now = new Date().toISOString();
    await tx
      .insertInto('ta_time_accounts')
      .values({
        id,
        name: input.name,
        balance_seconds: opening,
        is_active: input.isActive ?? true,
        low_balance_threshold_seconds: input.lowBalanceThresholdSeconds ?? null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    if (opening > 0) {
      await writeEntry(tx, {
        timeAccountId: id,
        kind: 'opening',
        seconds: opening,
        balanceAfter: opening,
        note: input.note ?? 'Anfangsstand',
        author_user_id: input.authorUserId,
        at: input.openedAt,
      });
    }
    return { id, balanceSeconds: opening };
  });
}

/** Credits purchased/prepaid seconds (seconds > 0) with an optional note and external reference. */
export async function topUp(
  db: Tx,
  input: { timeAccountId: string; seconds: number; note?: string | null; reference?: string | null; authorUserId: string | null; at?: Date },
): Promise<LedgerChange> {
  const amount = seconds(input.seconds, 'Die Aufladung', { positive: true });
  return transaction(db, async (tx) => {
    const balanceAfter = (await applyDelta(tx, input.timeAccountId, amount))!;
    return writeEntry(tx, {
      timeAccountId: input.timeAccountId,
      kind: 'top_up',
      seconds: amount,
      balanceAfter,
      note: input.note,
      reference: input.reference,
      author_user_id: input.authorUserId,
      at: input.at,
    });
  });
}

/** A manual correction (±seconds) with a required reason and its author; refused (409) if the balance would go negative. */
export async function correct(db: Tx, input: { timeAccountId: string; seconds: number; reason: string; authorUserId: string | null }): Promise<LedgerChange> {
  const delta = seconds(input.seconds, 'Die Korrektur', { positive: false });
  const reason = input.reason?.trim();
  if (!reason) throw new InvalidInput('Eine Korrektur braucht einen Grund.');
  return transaction(db, async (tx) => {
    const balanceAfter = await applyDelta(tx, input.timeAccountId, delta);
    if (balanceAfter === undefined) throw new Conflict('Die Korrektur würde das Zeitkonto ins Minus bringen.');
    return writeEntry(tx, { timeAccountId: input.timeAccountId, kind: 'correction', seconds: delta, balanceAfter, note: reason, author_user_id: input.authorUserId });
  });
}

export interface DrawResult {
  /** min(balance, requested): the seconds covered by prepaid time. */
  drawnSeconds: number;
  balanceAfter: number;
  /** The booking entry, or null when nothing could be drawn (balance 0 or 0 requested). */
  entryId: string | null;
}

/**
 * Draws up to `seconds` for a booking: takes min(balance, seconds) atomically (a concurrent draw can never
 * make two bookings spend the same seconds) and writes a `booking` entry for the execution.
 */
export async function drawForBooking(db: Tx, input: { timeAccountId: string; seconds: number; executionId: string; at?: Date }): Promise<DrawResult> {
  if (!Number.isSafeInteger(input.seconds) || input.seconds < 0) throw new InvalidInput('Die Sekunden müssen eine ganze Zahl ≥ 0 sein.');
  return transaction(db, async (tx) => {
    let want = input.seconds;
    for (;;) {
      if (want === 0) return { drawnSeconds: 0, balanceAfter: await balanceOf(tx, input.timeAccountId), entryId: null };
      const balanceAfter = await applyDelta(tx, input.timeAccountId, -want);
      if (balanceAfter !== undefined) {
        const { entryId } = await writeEntry(tx, { timeAccountId: input.timeAccountId, kind: 'booking', seconds: -want, balanceAfter, execution_id: input.executionId, at: input.at });
        return { drawnSeconds: want, balanceAfter, entryId };
      }
      // Not enough left: retry with what is there now (it may have changed since; the UPDATE re-checks).
      want = Math.min(input.seconds, await balanceOf(tx, input.timeAccountId));
    }
  });
}

/** Net seconds drawn for an execution from an account (bookings minus refunds so far). */
export async function netDrawnFor(db: Tx, timeAccountId: string, executionId: string): Promise<number> {
  const row = await db
    .selectFrom('ta_ledger_entries')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('seconds'), sql<number>`0`).as('total'))
    .where('time_account_id', '=', timeAccountId)
    .where('execution_id', '=', executionId)
    .where('kind', 'in', ['booking', 'refund'])
    .executeTakeFirstOrThrow();
  return -Number(row.total);
}

/**
 * Credits back seconds drawn for an execution (refund, revocation, accepted complaint). Refuses to credit
 * more than was drawn for that execution and not yet refunded — so a partly covered booking gets back
 * exactly its covered part, never the whole run.
 */
export async function refund(
  db: Tx,
  input: { timeAccountId: string; seconds: number; executionId: string; note?: string | null; authorUserId?: string | null },
): Promise<LedgerChange> {
  const amount = seconds(input.seconds, 'Die Erstattung', { positive: true });
  return transaction(db, async (tx) => {
    // Taking the row lock first serialises refunds of the same execution, so the check below cannot race.
    await applyDelta(tx, input.timeAccountId, 0);
    const open = await netDrawnFor(tx, input.timeAccountId, input.executionId);
    if (amount > open) throw new Conflict(`Es können höchstens ${open} Sekunden erstattet werden.`);
    const balanceAfter = (await applyDelta(tx, input.timeAccountId, amount))!;
    return writeEntry(tx, {
      timeAccountId: input.timeAccountId,
      kind: 'refund',
      seconds: amount,
      balanceAfter,
      execution_id: input.executionId,
      note: input.note,
      author_user_id: input.authorUserId,
    });
  });
}

export interface LedgerMismatch {
  timeAccountId: string;
  name: string | null;
  balanceSeconds: number;
  ledgerSeconds: number;
  /** The account's `last_seq` and its newest entry's `seq` (equal when consistent). */
  lastSeq: number;
  ledgerLastSeq: number;
}

/** Every account whose stored balance differs from the sum of its entries, or whose last `seq` from its newest entry's (empty = ledger consistent). */
export async function verifyLedger(db: Tx): Promise<LedgerMismatch[]> {
  const ledgerSeconds = sql<number>`coalesce(sum(l.seconds), 0)`;
  const ledgerLastSeq = sql<number>`coalesce(max(l.seq), 0)`;
  const rows = await db
    .selectFrom('ta_time_accounts as a')
    .leftJoin('ta_ledger_entries as l', 'l.time_account_id', 'a.id')
    .select(['a.id as timeAccountId', 'a.name as name', 'a.balance_seconds as balanceSeconds', 'a.last_seq as lastSeq', ledgerSeconds.as('ledgerSeconds'), ledgerLastSeq.as('ledgerLastSeq')])
    .groupBy(['a.id', 'a.name', 'a.balance_seconds', 'a.last_seq'])
    .having((eb) => eb.or([eb('a.balance_seconds', '<>', ledgerSeconds), eb('a.last_seq', '<>', ledgerLastSeq)]))
    .orderBy('a.id')
    .execute();
  return rows.map((r) => ({
    ...r,
    balanceSeconds: Number(r.balanceSeconds),
    ledgerSeconds: Number(r.ledgerSeconds),
    lastSeq: Number(r.lastSeq),
    ledgerLastSeq: Number(r.ledgerLastSeq),
  }));
}

/**
 * For accounts that carry a balance but have no entries at all (rows imported from the original), writes
 * the `opening` entry that explains it. Returns how many accounts got one. Idempotent.
 */
export async function recordOpeningBalances(db: Tx, authorUserId: string | null = null): Promise<number> {
  return transaction(db, async (tx) => {
    const accounts = await tx
      .selectFrom('ta_time_accounts as a')
      .select(['a.id', 'a.balance_seconds'])
      .where('a.balance_seconds', '>', 0)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('ta_ledger_entries as l').select('l.id').whereRef('l.time_account_id', '=', 'a.id'))))
      .execute();
    for (const a of accounts) {
      const balance = (await applyDelta(tx, a.id, 0))!; // locks the row, reads the balance as of now
      await writeEntry(tx, { timeAccountId: a.id, kind: 'opening', seconds: balance, balanceAfter: balance, note: 'Übernommener Anfangsstand', author_user_id: authorUserId });
    }
    return accounts.length;
  });
}

/**
 * Entries of one account, newest first. Pages by the account's sequence number (`beforeSeq`: the `seq` of
 * the last entry shown), never by timestamp: entries written in the same millisecond share `created_at`,
 * and a timestamp cursor skipped those that fell on the far side of a page boundary.
 */
export async function ledgerEntries(db: Tx, timeAccountId: string, options: { limit?: number; beforeSeq?: number } = {}): Promise<LedgerEntry[]> {
  let query = db
    .selectFrom('ta_ledger_entries')
    .selectAll()
    .where('time_account_id', '=', timeAccountId)
    .orderBy('seq', 'desc')
    .limit(Math.min(options.limit ?? 50, 1000));
  if (options.beforeSeq !== undefined) query = query.where('seq', '<', options.beforeSeq);
  return query.execute();
}

/** One page of an account's ledger, newest first, with the `beforeSeq` of the next (older) page or null on the last. */
export async function ledgerPage(
  db: Tx,
  timeAccountId: string,
  page: { limit: number; beforeSeq?: number },
): Promise<{ entries: LedgerEntry[]; nextBeforeSeq: number | null }> {
  const rows = await ledgerEntries(db, timeAccountId, { limit: page.limit + 1, beforeSeq: page.beforeSeq });
  const entries = rows.slice(0, page.limit);
  const last = entries[entries.length - 1];
  return { entries, nextBeforeSeq: rows.length > page.limit && last ? Number(last.seq) : null };
}
