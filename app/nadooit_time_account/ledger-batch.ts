import type { Insertable } from 'kysely';
import type { BatchWrite } from '../core/db/batch-writes.js';
import type { Flavor } from '../core/db/dialects/columns.js';
import { OptimisticMiss } from '../core/db/group-commit.js';
import { insertWrites } from '../core/db/insert-rows.js';
import type { Tx } from '../core/db/transaction.js';
import { writeWatchOf } from '../core/db/write-watch.js';
import { isUuid, uuidv7 } from '../core/ids.js';
import type { LedgerEntriesTable } from './models.js';
import type { DrawResult } from './ledger.js';
import { ACCOUNT_TABLES, forgetAccount, knownAccount, rememberAccount } from './known-accounts.js';
import './models.js';

interface AccountState {
  active: boolean;
  balance: number;
  /** The balance as read, to know whether flush() has to write it. */
  stored: number;
  seq: number;
  storedSeq: number;
}

const UPDATE_ACCOUNT = 'update "ta_time_accounts" set "balance_seconds" = ?, "last_seq" = ?, "updated_at" = ? where "id" = ?';
/**
 * PostgreSQL/CockroachDB: every changed account in one UPDATE (a statement writes each table once,
 * batch-writes.ts), rows as one JSON parameter. Guarded: an account whose last `seq` is not the one the batch
 * started from, or that was switched off meanwhile, gets a NULL `last_seq`, which its NOT NULL constraint
 * refuses — the statement fails as a whole. Under the batch's lock that never happens; an optimistic batch
 * (which read nothing) thereby finds out that another writer changed the account since it was read.
 */
const UPDATE_ACCOUNTS_GUARDED =
  'update "ta_time_accounts" as t set "balance_seconds" = v.balance_seconds,' +
  ' "last_seq" = case when t."last_seq" = v.expected_seq and t."is_active" then v.last_seq end, "updated_at" = v.updated_at' +
  ' from json_to_recordset(?) as v(id uuid, balance_seconds bigint, last_seq bigint, expected_seq bigint, updated_at timestamptz)' +
  ' where t."id" = v.id';

/**
 * Booking draws of one group-commit batch (many bookings, ONE transaction). The first draw on an account
 * locks its row (PostgreSQL/CockroachDB: FOR UPDATE; SQLite: the transaction already holds the write lock)
 * and reads its balance and last `seq` (kept in the row) with the lock, in one statement; every further draw
 * works on the running balance in memory. Each booking still gets its own entry with its own
 * `balance_after` and the next `seq`, so the ledger reads as if the bookings had been made one by one in
 * arrival order. `writes()` are the entries (multi-row INSERTs) and each account's balance and last `seq`
 * (one UPDATE), for the caller's flush (core/db/batch-writes.ts) before the transaction commits.
 * balance = Σ entries and last `seq` = the newest entry's hold at every commit (`verifyLedger`).
 */
export class LedgerDrawBatch {
  private readonly accounts = new Map<string, AccountState | null>();
  private entries: Array<Insertable<LedgerEntriesTable>> = [];
  /** The accounts' write generation when the batch began, and how far its own UPDATEs moved it since. */
  private readonly generationAtStart: number;
  private ownUpdates = 0;

  constructor(
    private readonly tx: Tx,
    private readonly flavor: Flavor,
    private readonly optimistic = false,
  ) {
    this.generationAtStart = writeWatchOf(tx).generation(ACCOUNT_TABLES);
  }

  private async account(timeAccountId: string): Promise<AccountState | null> {
    if (this.accounts.has(timeAccountId)) return this.accounts.get(timeAccountId)!;
    let state: AccountState | null = null;
    if (this.optimistic) {
      const known = knownAccount(this.tx, timeAccountId);
      if (!known || known.generation !== this.generationAtStart) throw new OptimisticMiss(`time account ${timeAccountId} not known`);
      state = { active: known.active, balance: known.balance, stored: known.balance, seq: known.seq, storedSeq: known.seq };
    } else if (isUuid(timeAccountId)) {
      let query = this.tx.selectFrom('ta_time_accounts').select(['balance_seconds', 'is_active', 'last_seq']).where('id', '=', timeAccountId);
      if (this.flavor !== 'sqlite') query = query.forUpdate();
      const row = await query.executeTakeFirst();
      if (row) {
        const balance = Number(row.balance_seconds);
        const seq = Number(row.last_seq);
        state = { active: Boolean(row.is_active), balance, stored: balance, seq, storedSeq: seq };
      }
    }
    this.accounts.set(timeAccountId, state);
    return state;
  }

  /** True for an existing account that takes bookings (as timeAccountIsActive, read under the batch's lock). */
  async isActive(timeAccountId: string): Promise<boolean> {
    const active = (await this.account(timeAccountId))?.active ?? false;
    // Nothing would be drawn, so nothing would check that the account is still off: read it under lock.
    if (this.optimistic && !active) throw new OptimisticMiss(`time account ${timeAccountId} is inactive`);
    return active;
  }

  /** drawForBooking within the batch: takes min(balance, seconds) and records the `booking` entry. */
  async draw(input: { timeAccountId: string; seconds: number; executionId: string; at?: Date }): Promise<DrawResult> {
    if (!Number.isSafeInteger(input.seconds) || input.seconds < 0) throw new RangeError('draw: seconds must be a whole number ≥ 0');
    const state = await this.account(input.timeAccountId);
    if (!state) throw new RangeError(`draw: no time account ${input.timeAccountId}`);
    const drawn = Math.min(state.balance, input.seconds);
    // Likewise: an empty account (topped up elsewhere meanwhile?) is read under lock.
    if (this.optimistic && drawn === 0) throw new OptimisticMiss(`time account ${input.timeAccountId} is empty`);
    if (drawn === 0) return { drawnSeconds: 0, balanceAfter: state.balance, entryId: null };
    state.balance -= drawn;
    state.seq += 1;
    const id = uuidv7();
    this.entries.push({
      id,
      seq: state.seq,
      time_account_id: input.timeAccountId,
      kind: 'booking',
      seconds: -drawn,
      balance_after: state.balance,
      note: null,
      reference: null,
      execution_id: input.executionId,
      author_user_id: null,
      created_at: (input.at ?? new Date()).toISOString(),
    });
    return { drawnSeconds: drawn, balanceAfter: state.balance, entryId: id };
  }

  /** The batch's writes so far, taken out of it: the drawn entries, then one UPDATE per changed account. */
  writes(): BatchWrite[] {
    const writes = insertWrites('ta_ledger_entries', this.entries, this.flavor);
    this.entries = [];
    const updated_at = new Date().toISOString();
    const changed: Array<{ id: string; balance_seconds: number; last_seq: number; expected_seq: number; updated_at: string }> = [];
    // In one order, so two processes' batches lock their accounts alike and never deadlock.
    for (const [id, state] of [...this.accounts].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!state || (state.balance === state.stored && state.seq === state.storedSeq)) continue;
      changed.push({ id, balance_seconds: state.balance, last_seq: state.seq, expected_seq: state.storedSeq, updated_at });
      state.stored = state.balance;
      state.storedSeq = state.seq;
    }
    if (!changed.length) return writes;
    const updates: BatchWrite[] =
      this.flavor === 'sqlite'
        ? changed.map((row) => ({ table: 'ta_time_accounts', kind: 'update', text: UPDATE_ACCOUNT, parameters: [row.balance_seconds, row.last_seq, row.updated_at, row.id] }))
        : [{ table: 'ta_time_accounts', kind: 'update', text: UPDATE_ACCOUNTS_GUARDED, parameters: [JSON.stringify(changed)] }];
    this.ownUpdates += updates.length;
    return [...writes, ...updates];
  }

  /**
   * After the batch committed: the accounts as it left them, for this process's next optimistic batch —
   * unless some other write to the accounts was seen here meanwhile, which may have changed them after
   * they were read.
   */
  remember(): void {
    const generation = writeWatchOf(this.tx).generation(ACCOUNT_TABLES);
    const othersWrote = generation !== this.generationAtStart + this.ownUpdates;
    for (const [id, state] of this.accounts) {
      if (state && !othersWrote) rememberAccount(this.tx, id, { active: state.active, balance: state.balance, seq: state.seq, generation });
      else forgetAccount(this.tx, id, false);
    }
  }

  /** The optimistic batch was refused: nothing it assumed may be assumed again for a while (CONTENDED_MS). */
  forget(): void {
    for (const id of this.accounts.keys()) forgetAccount(this.tx, id, true);
  }
}
