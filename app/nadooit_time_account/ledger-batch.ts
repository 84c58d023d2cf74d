import type { Insertable, Transaction } from 'kysely';
import type { Flavor } from '../core/db/dialects/columns.js';
import type { Database } from '../core/db/schema.js';
import { insertRows } from '../core/db/insert-rows.js';
import { isUuid, uuidv7 } from '../core/ids.js';
import type { LedgerEntriesTable } from './models.js';
import type { DrawResult } from './ledger.js';
import './models.js';

interface AccountState {
  active: boolean;
  balance: number;
  /** The balance as read, to know whether flush() has to write it. */
  stored: number;
  seq: number;
  storedSeq: number;
}

/** Rows per multi-row INSERT: 11 columns × 500 stays far below SQLite's and PostgreSQL's parameter limits. */

/**
 * Booking draws of one group-commit batch (many bookings, ONE transaction). The first draw on an account
 * locks its row (PostgreSQL/CockroachDB: FOR UPDATE; SQLite: the transaction already holds the write lock)
 * and reads its balance and last `seq` (kept in the row) with the lock, in one statement; every further draw
 * works on the running balance in memory. Each booking still gets its own entry with its own
 * `balance_after` and the next `seq`, so the ledger reads as if the bookings had been made one by one in
 * arrival order. `flush()` writes the entries (multi-row INSERTs) and each account's balance and last `seq`
 * (one UPDATE) — call it before the transaction commits; balance = Σ entries and last `seq` = the newest
 * entry's hold at every commit (`verifyLedger`).
 */
export class LedgerDrawBatch {
  private readonly accounts = new Map<string, AccountState | null>();
  private entries: Array<Insertable<LedgerEntriesTable>> = [];

  constructor(
    private readonly tx: Transaction<Database>,
    private readonly flavor: Flavor,
  ) {}

  private async account(timeAccountId: string): Promise<AccountState | null> {
    if (this.accounts.has(timeAccountId)) return this.accounts.get(timeAccountId)!;
    let state: AccountState | null = null;
    if (isUuid(timeAccountId)) {
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
    return (await this.account(timeAccountId))?.active ?? false;
  }

  /** drawForBooking within the batch: takes min(balance, seconds) and records the `booking` entry. */
  async draw(input: { timeAccountId: string; seconds: number; executionId: string; at?: Date }): Promise<DrawResult> {
    if (!Number.isSafeInteger(input.seconds) || input.seconds < 0) throw new RangeError('draw: seconds must be a whole number ≥ 0');
    const state = await this.account(input.timeAccountId);
    if (!state) throw new RangeError(`draw: no time account ${input.timeAccountId}`);
    const drawn = Math.min(state.balance, input.seconds);
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

  /** Writes the batch's entries and balances. */
  async flush(): Promise<void> {
    await insertRows(this.tx, 'ta_ledger_entries', this.entries);
    this.entries = [];
    const now = new Date().toISOString();
    for (const [id, state] of this.accounts) {
      if (!state || (state.balance === state.stored && state.seq === state.storedSeq)) continue;
      await this.tx.updateTable('ta_time_accounts').set({ balance_seconds: state.balance, last_seq: state.seq, updated_at: now }).where('id', '=', id).execute();
      state.stored = state.balance;
      state.storedSeq = state.seq;
    }
  }
}
