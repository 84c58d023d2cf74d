import type { Insertable } from 'kysely';
import type { BatchWrite, FlushResult, ResultRow } from '../core/db/batch-writes.js';
import type { Flavor } from '../core/db/dialects/columns.js';
import { OptimisticMiss } from '../core/db/group-commit.js';
import { insertWrites } from '../core/db/insert-rows.js';
import type { ShiftedColumns } from '../core/db/insert-rows.js';
import type { Database } from '../core/db/schema.js';
import type { Tx } from '../core/db/transaction.js';
import { isUuid, uuidv7 } from '../core/ids.js';
import type { LedgerEntriesTable } from './models.js';
import type { DrawResult } from './ledger.js';
import { forgetAccount, knownAccount, rememberAccount } from './known-accounts.js';
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

/** The name of the accounts' UPDATE in a PostgreSQL/CockroachDB flush statement (batch-writes.ts), read by the rows it shifts. */
const DRAWN_ACCOUNTS = 'drawn_accounts';
/**
 * PostgreSQL/CockroachDB: every changed account in one UPDATE (rows as one JSON parameter), written relative
 * to the row as it is when the statement gets its lock: the batch's draws and entries are subtracted and
 * added, and the statement returns by how much the account differed from what the batch assumed. The rows
 * the batch computed from its assumption — entries' `seq` and `balance_after`, the executions' balance — are
 * shifted by that in the same statement (ShiftedColumns). Guarded: an account that was switched off, or that
 * cannot cover the batch's draws, is not updated, its entries find no row to shift by, and their NOT NULL
 * columns fail the statement as a whole. So a batch needs no lock of its own and no exact knowledge of the
 * account: under the batch's lock the shift is 0, outside any (optimistic batches) other processes may book
 * on the same account at the same time, each statement holding the row only while it runs.
 */
const UPDATE_ACCOUNTS_RELATIVE =
  'update "ta_time_accounts" as t set "balance_seconds" = t."balance_seconds" - v.drawn, "last_seq" = t."last_seq" + v.entries, "updated_at" = v.updated_at' +
  ' from json_to_recordset(?) as v(id uuid, drawn bigint, entries bigint, assumed_balance bigint, assumed_seq bigint, updated_at timestamptz)' +
  ' where t."id" = v.id and t."is_active" and t."balance_seconds" >= v.drawn' +
  ' returning t."id", t."balance_seconds" + v.drawn - v.assumed_balance as balance_shift, t."last_seq" - v.entries - v.assumed_seq as seq_shift';

/** The flush statement's result: each updated account's shifts (UPDATE_ACCOUNTS_RELATIVE). */
const SHIFTS_RESULT = `select "id", "balance_shift", "seq_shift" from "${DRAWN_ACCOUNTS}"`;

/**
 * For another table's rows in a flush statement with the batch's account UPDATE (`writes().result` set):
 * `column` holds a balance the batch computed, moved by the shift of the account named in `key`.
 */
export function shiftedByAccountBalance<T extends keyof Database & string>(key: keyof Database[T] & string, column: keyof Database[T] & string): ShiftedColumns<T> {
  return { write: DRAWN_ACCOUNTS, key, add: { [column]: 'balance_shift' } as ShiftedColumns<T>['add'], unmatched: 'unshifted' };
}

/**
 * Booking draws of one group-commit batch (many bookings, ONE transaction, or one statement). The first draw
 * on an account locks its row (PostgreSQL/CockroachDB: FOR UPDATE; SQLite: the transaction already holds the
 * write lock) and reads its balance and last `seq` (kept in the row) with the lock, in one statement; every
 * further draw works on the running balance in memory. Each booking still gets its own entry with its own
 * `balance_after` and the next `seq`, so the ledger reads as if the bookings had been made one by one in
 * arrival order. `writes()` are the entries (multi-row INSERTs) and each account's balance and last `seq`
 * (one UPDATE), for the caller's flush (core/db/batch-writes.ts) before the transaction commits.
 * balance = Σ entries and last `seq` = the newest entry's hold at every commit (`verifyLedger`).
 *
 * An `optimistic` batch (PostgreSQL/CockroachDB, outside a transaction) reads nothing: it starts from what
 * this process last saw of the account (known-accounts.ts) and only draws what that covers in full; its
 * flush writes relative to the row (UPDATE_ACCOUNTS_RELATIVE), and `shifted()` then corrects the results.
 */
export class LedgerDrawBatch {
  private readonly accounts = new Map<string, AccountState | null>();
  private entries: Array<Insertable<LedgerEntriesTable>> = [];
  private readonly shifts = new Map<string, number>();

  constructor(
    private readonly tx: Tx,
    private readonly flavor: Flavor,
    private readonly optimistic = false,
  ) {}

  private async account(timeAccountId: string): Promise<AccountState | null> {
    if (this.accounts.has(timeAccountId)) return this.accounts.get(timeAccountId)!;
    let state: AccountState | null = null;
    if (this.optimistic) {
      const known = knownAccount(this.tx, timeAccountId);
      if (!known) throw new OptimisticMiss(`time account ${timeAccountId} not known`);
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

  /**
   * drawForBooking within the batch: takes min(balance, seconds) and records the `booking` entry. In an
   * optimistic batch the balance is an assumption: the result is corrected by `shifted()` after the flush.
   */
  async draw(input: { timeAccountId: string; seconds: number; executionId: string; at?: Date }): Promise<DrawResult> {
    if (!Number.isSafeInteger(input.seconds) || input.seconds < 0) throw new RangeError('draw: seconds must be a whole number ≥ 0');
    const state = await this.account(input.timeAccountId);
    if (!state) throw new RangeError(`draw: no time account ${input.timeAccountId}`);
    const drawn = Math.min(state.balance, input.seconds);
    // How much an account that may have changed covers is decided under lock (its statement refuses less).
    if (this.optimistic && (drawn === 0 || drawn < input.seconds)) throw new OptimisticMiss(`time account ${input.timeAccountId} may not cover the booking`);
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

  /**
   * The batch's writes so far, taken out of it: one UPDATE of the changed accounts, then the drawn entries;
   * on PostgreSQL/CockroachDB, when an account changed, the flush statement's result query (its shifts, for
   * `shifted()`): other rows of the statement may then take their account's shift (shiftedByAccountBalance).
   */
  writes(): { writes: BatchWrite[]; result?: FlushResult } {
    const updated_at = new Date().toISOString();
    const changed: Array<{ id: string; drawn: number; entries: number; assumed_balance: number; assumed_seq: number; updated_at: string }> = [];
    // In one order, so two processes' batches lock their accounts alike and never deadlock.
    for (const [id, state] of [...this.accounts].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!state || (state.balance === state.stored && state.seq === state.storedSeq)) continue;
      changed.push({ id, drawn: state.stored - state.balance, entries: state.seq - state.storedSeq, assumed_balance: state.stored, assumed_seq: state.storedSeq, updated_at });
      state.stored = state.balance;
      state.storedSeq = state.seq;
    }
    const entries = this.entries;
    this.entries = [];
    if (this.flavor === 'sqlite') {
      const updates = changed.map((row): BatchWrite => {
        const state = this.accounts.get(row.id)!;
        return { table: 'ta_time_accounts', kind: 'update', text: UPDATE_ACCOUNT, parameters: [state.balance, state.seq, row.updated_at, row.id] };
      });
      return { writes: [...updates, ...insertWrites('ta_ledger_entries', entries, this.flavor)] };
    }
    if (!changed.length) return { writes: insertWrites('ta_ledger_entries', entries, this.flavor) };
    const shift = { write: DRAWN_ACCOUNTS, key: 'time_account_id', add: { seq: 'seq_shift', balance_after: 'balance_shift' }, unmatched: 'fails' } as const;
    return {
      writes: [
        { table: 'ta_time_accounts', kind: 'update', name: DRAWN_ACCOUNTS, text: UPDATE_ACCOUNTS_RELATIVE, parameters: [JSON.stringify(changed)] },
        ...insertWrites('ta_ledger_entries', entries, this.flavor, { shift }),
      ],
      result: SHIFTS_RESULT,
    };
  }

  /** After the flush: the shifts its statement returned, applied to what the batch knows of its accounts. */
  shifted(rows: readonly ResultRow[]): void {
    for (const row of rows) {
      const state = this.accounts.get(String(row.id));
      if (!state) continue;
      const balanceShift = Number(row.balance_shift);
      const seqShift = Number(row.seq_shift);
      state.balance += balanceShift;
      state.stored += balanceShift;
      state.seq += seqShift;
      state.storedSeq += seqShift;
      this.shifts.set(String(row.id), balanceShift);
    }
  }

  /** By how much the account's balance differed from what the batch assumed (0 when it read it under lock). */
  balanceShift(timeAccountId: string): number {
    return this.shifts.get(timeAccountId) ?? 0;
  }

  /** After the batch committed: the accounts as it left them, for this process's next optimistic batch. */
  remember(): void {
    for (const [id, state] of this.accounts) {
      if (state) rememberAccount(this.tx, id, { active: state.active, balance: state.balance, seq: state.seq });
      else forgetAccount(this.tx, id, false);
    }
  }

  /** The optimistic batch was refused: nothing it assumed may be assumed again for a while (CONTENDED_MS). */
  forget(): void {
    for (const id of this.accounts.keys()) forgetAccount(this.tx, id, true);
  }
}
