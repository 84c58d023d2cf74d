import { executeWrites, writesAtOnce } from '../../core/db/batch-writes.js';
import type { BatchWrite, ResultRow } from '../../core/db/batch-writes.js';
import type { DB } from '../../core/db/connection.js';
import type { Flavor } from '../../core/db/dialects/columns.js';
import { OptimisticMiss } from '../../core/db/group-commit.js';
import type { Tx } from '../../core/db/transaction.js';
import { insertWrites } from '../../core/db/insert-rows.js';
import { uuidv7 } from '../../core/ids.js';
import { LedgerDrawBatch, shiftedByAccountBalance } from '../../nadooit_time_account/ledger-batch.js';
import { getCustomerProgram } from '../../nadooit_program_ownership_system/services.js';
import type { CustomerProgram } from '../../nadooit_program_ownership_system/services.js';
import { BookingRefused } from '../errors.js';
import { quote, tiersOf } from '../pricing.js';
import type { Tier } from '../pricing.js';
import type { BookingResult, Execution, PreparedBooking } from './booking.js';
import { customerProgramForBooking } from './booking-checks.js';
import '../models.js';

/** A program's running total as far as the batch knows it: what it added, and (tiered only) what was there. */
interface CounterState {
  /** The stored billable seconds when the batch read them (tiered pricing needs them); null when not read. */
  stored: number | null;
  addedBillable: number;
  addedExecutions: number;
}


/**
 * The bookings of one group-commit batch, applied in arrival order inside ONE transaction (legacy-core §4.2
 * for each): idempotency replay, program checks, draw from the prepaid account, the program's running
 * total, price, execution row. Everything that more bookings of the batch share is read once and kept in
 * memory — the program, its tier table, the account's balance and `seq` (LedgerDrawBatch), a tiered
 * program's running total — and `flush()` writes the batch with multi-row INSERTs, one UPDATE per account
 * and one adding upsert per program counter.
 * A refusal (unknown or inactive program, idempotency conflict) is found before the booking changes
 * anything, so it is that booking's answer and the batch goes on. Lock order: time account → counter, as
 * in cancellations.
 *
 * On PostgreSQL and CockroachDB every batch takes programs from the bot API's cache (booking-checks.ts: at
 * most a second old, dropped at once when this process changed one). An `optimistic` batch (outside a
 * transaction; core/db/group-commit.ts) reads nothing under a lock: accounts are assumed as this process
 * last saw them, and its flush is ONE statement written relative to the account rows (LedgerDrawBatch),
 * which moves the execution rows' balances too. An idempotency key is taken as new unless the batch
 * itself booked it: the unique index refuses one booked before, the statement fails as a whole, and the
 * batch runs again in a transaction, which finds the earlier booking. A tiered program, an account not
 * seen yet, or a flush too big for one statement throws OptimisticMiss before anything is written.
 */
export class BookingBatch {
  private readonly ledger: LedgerDrawBatch;
  private readonly programs = new Map<string, CustomerProgram | undefined>();
  private readonly tiers = new Map<string, Tier[]>();
  private readonly counters = new Map<string, CounterState>();
  private readonly byIdempotencyKey = new Map<string, Execution>();
  private executions: Execution[] = [];

  constructor(
    private readonly tx: Tx,
    private readonly flavor: Flavor,
    private readonly optimistic = false,
  ) {
    this.ledger = new LedgerDrawBatch(tx, flavor, optimistic);
  }

  /** SQLite reads it in the transaction (no round trip); PostgreSQL takes the bot API's cache, as its checks do. */
  private async program(id: string): Promise<CustomerProgram | undefined> {
    if (!this.programs.has(id)) this.programs.set(id, await (this.flavor === 'sqlite' ? getCustomerProgram(this.tx, id) : customerProgramForBooking(this.tx as DB, id)));
    return this.programs.get(id);
  }

  private async tierTable(customerProgramId: string): Promise<Tier[]> {
    let tiers = this.tiers.get(customerProgramId);
    if (!tiers) this.tiers.set(customerProgramId, (tiers = await tiersOf(this.tx, customerProgramId)));
    return tiers;
  }

  /**
   * The program's counter in this batch. Tiered pricing needs the running total before each booking, so
   * then the row is locked (created at 0) and read once per batch; other programs only add to it in flush().
   */
  private async counter(customerProgramId: string, now: string, needsTotal: boolean): Promise<CounterState> {
    let state = this.counters.get(customerProgramId);
    if (!state) this.counters.set(customerProgramId, (state = { stored: null, addedBillable: 0, addedExecutions: 0 }));
    if (needsTotal && state.stored === null) {
      if (this.optimistic) throw new OptimisticMiss('a tiered program reads its running total under lock');
      const row = await this.tx
        .insertInto('ex_customer_program_counters')
        .values({ customer_program_id: customerProgramId, billable_seconds: 0, executions: 0, updated_at: now })
        .onConflict((oc) => oc.column('customer_program_id').doUpdateSet({ updated_at: now }))
        .returning(['billable_seconds'])
        .executeTakeFirstOrThrow();
      state.stored = Number(row.billable_seconds) - state.addedBillable;
    }
    return state;
  }

  private async earlier(booking: PreparedBooking): Promise<Execution | undefined> {
    const scope = `${booking.userId}|${booking.idempotencyKey}`;
    const inBatch = this.byIdempotencyKey.get(scope);
    if (inBatch || this.optimistic) return inBatch;
    return this.tx
      .selectFrom('ex_executions')
      .selectAll()
      .where('user_id', '=', booking.userId!)
      .where('idempotency_key', '=', booking.idempotencyKey!)
      .executeTakeFirst();
  }

  async book(booking: PreparedBooking): Promise<BookingResult> {
    if (booking.idempotencyKey) {
      const existing = await this.earlier(booking);
      if (existing) {
        if (existing.idempotency_fingerprint !== booking.fingerprint) {
          throw new BookingRefused('idempotency_conflict', 'This idempotency key was already used for a different booking');
        }
        return { execution: existing, replayed: true };
      }
    }
    const program = await this.program(booking.customerProgramId);
    if (!program) throw new BookingRefused('program_not_found', 'Program does not exist');
    if (!program.is_active) throw new BookingRefused('program_inactive', 'Program is not active');
    if (!program.customer_id) throw new BookingRefused('program_without_customer', 'Program has no customer');
    const charged = booking.reportedSeconds === 0 ? program.program_time_saved_per_execution_in_seconds : booking.reportedSeconds;
    const id = uuidv7();
    const now = (booking.at ?? new Date()).toISOString();

    let covered = 0;
    let balanceAfter: number | null = null;
    let timeAccountId: string | null = null;
    if (program.time_account_id && (await this.ledger.isActive(program.time_account_id))) {
      const draw = await this.ledger.draw({ timeAccountId: program.time_account_id, seconds: charged, executionId: id, at: booking.at });
      covered = draw.drawnSeconds;
      balanceAfter = draw.balanceAfter;
      timeAccountId = program.time_account_id;
    }
    const billable = charged - covered;
    const tiered = program.pricing_mode === 'tiered';
    const counter = await this.counter(program.id, now, tiered);
    const before = (counter.stored ?? 0) + counter.addedBillable;
    counter.addedBillable += billable;
    counter.addedExecutions += 1;
    const price = quote({
      pricingMode: program.pricing_mode,
      billableSeconds: billable,
      pricePerSecond: program.price_per_second,
      tiers: tiered ? await this.tierTable(program.id) : [],
      cumulativeBillableSeconds: before,
    });
    const execution: Execution = {
      id,
      customer_program_id: program.id,
      customer_id: program.customer_id,
      program_id: program.program_id,
      time_account_id: timeAccountId,
      user_id: booking.userId,
      api_key_id: booking.apiKeyId,
      time_saved_seconds: charged,
      covered_seconds: covered,
      billable_seconds: billable,
      pricing_mode: price.pricingMode,
      price_per_second: price.pricePerSecond,
      tier_price_per_hour: price.tierPricePerHour,
      price: price.price,
      currency: program.currency,
      // Nothing to pay (fully prepaid or free) is settled at once, so it never shows up as open.
      payment_status: price.price > 0 ? 'NOT_PAID' : 'PAID',
      balance_after_seconds: balanceAfter,
      in_complaint: false,
      idempotency_key: booking.idempotencyKey,
      idempotency_fingerprint: booking.idempotencyKey ? booking.fingerprint : null,
      created_at: now,
      updated_at: now,
    };
    this.executions.push(execution);
    if (booking.idempotencyKey) this.byIdempotencyKey.set(`${booking.userId}|${booking.idempotencyKey}`, execution);
    return { execution, replayed: false };
  }

  /**
   * Writes what the batch booked — ledger entries and balances, counters, execution rows — in one round
   * trip on PostgreSQL (core/db/batch-writes.ts). There the accounts' UPDATE is read by the statement's
   * result, so it runs first and the account is locked before the counter, as everywhere else; the
   * executions' balance moves with their account's shift (ledger-batch.ts).
   */
  async flush(): Promise<void> {
    const executions = this.executions;
    this.executions = [];
    const ledger = this.ledger.writes();
    const shift = ledger.result === undefined ? undefined : shiftedByAccountBalance<'ex_executions'>('time_account_id', 'balance_after_seconds');
    const writes = [...ledger.writes, ...insertWrites('ex_executions', executions, this.flavor, { shift }), ...this.counterWrites()];
    if (!this.optimistic) return this.shifted(executions, await executeWrites(this.tx, writes, ledger.result));
    const send = writesAtOnce(this.tx, writes, ledger.result);
    if (!send) throw new OptimisticMiss('too many bookings for one statement');
    try {
      this.shifted(executions, await send());
    } catch (error) {
      this.ledger.forget(); // what it assumed was wrong, or is unknown now
      throw error;
    }
  }

  /** The answers' balances as the statement wrote them. */
  private shifted(executions: Execution[], rows: ResultRow[]): void {
    this.ledger.shifted(rows);
    for (const execution of executions) {
      if (execution.time_account_id && execution.balance_after_seconds !== null) execution.balance_after_seconds += this.ledger.balanceShift(execution.time_account_id);
    }
  }

  /** After the commit: what the next optimistic batch may assume. */
  committed(): void {
    this.ledger.remember();
  }

  /** One adding upsert for every program the batch booked on; a tiered program's total read moves on with it. */
  private counterWrites(): BatchWrite[] {
    const updatedAt = new Date().toISOString();
    const rows = [];
    // In one order, so two processes' batches lock their counter rows alike and never deadlock.
    for (const [customerProgramId, state] of [...this.counters].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (state.addedExecutions === 0) continue;
      rows.push({ customer_program_id: customerProgramId, billable_seconds: state.addedBillable, executions: state.addedExecutions, updated_at: updatedAt });
      if (state.stored !== null) state.stored += state.addedBillable;
      state.addedBillable = 0;
      state.addedExecutions = 0;
    }
    return insertWrites('ex_customer_program_counters', rows, this.flavor, { upsert: ADD_TO_COUNTER });
  }
}

/** Adds each row's billable seconds and executions to its program's counter (made at 0 on first use). */
const ADD_TO_COUNTER = { key: ['customer_program_id'], add: ['billable_seconds', 'executions'], set: ['updated_at'] } as const;
