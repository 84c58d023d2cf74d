import { flavorOf } from '../../core/db/connection.js';
import type { DB } from '../../core/db/connection.js';
import type { Flavor } from '../../core/db/dialects/columns.js';
import { transaction } from '../../core/db/transaction.js';
import { BookingRefused } from '../errors.js';
import { BookingBatch } from './booking-batch.js';
import type { BookingResult, PreparedBooking } from './booking.js';

interface Waiting {
  booking: PreparedBooking;
  resolve(result: BookingResult): void;
  reject(error: unknown): void;
}

type Outcome = { ok: BookingResult } | { refused: BookingRefused };

/** Upper bound of one batch; more waiting bookings go into the next one. */
export const MAX_BATCH = 2000;

/**
 * Group commit for bookings: one writer per database handle (so per process). A booking that arrives while
 * no batch runs starts one at the end of the current event-loop turn (setImmediate — no timer, so a lone
 * booking waits for nothing); bookings that arrive while a batch commits queue up and form the next batch,
 * so the batch size adapts to the load by itself (bounded by MAX_BATCH). Each batch is ONE transaction
 * (one commit, one fsync) in arrival order, and every caller gets its own result only after that commit.
 *
 * A refusal is that booking's answer and the batch goes on. Any other error (a constraint, a lost
 * connection, a failed commit) rolls the batch back, and its bookings are then committed one by one, so only
 * the booking at fault fails. A serialization failure or deadlock re-runs the whole batch
 * (`transaction()`); nothing of a rolled-back attempt remains, so no booking is made twice.
 */
export class GroupCommit {
  private queue: Waiting[] = [];
  private scheduled = false;
  private running = false;
  private readonly flavor: Flavor;
  /** Batches committed and bookings in them since start (for the tests and the bench). */
  readonly stats = { batches: 0, bookings: 0, largest: 0 };

  constructor(private readonly db: DB) {
    this.flavor = flavorOf(db);
  }

  submit(booking: PreparedBooking): Promise<BookingResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ booking, resolve, reject });
      if (this.running || this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.drain();
      });
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) await this.commit(this.queue.splice(0, MAX_BATCH));
    } finally {
      this.running = false;
    }
  }

  private async commit(batch: Waiting[]): Promise<void> {
    let outcomes: Outcome[] = [];
    try {
      await transaction(this.db, async (tx) => {
        outcomes = [];
        const work = new BookingBatch(tx, this.flavor);
        for (const { booking } of batch) {
          try {
            outcomes.push({ ok: await work.book(booking) });
          } catch (error) {
            if (!(error instanceof BookingRefused)) throw error;
            outcomes.push({ refused: error });
          }
        }
        await work.flush();
      });
      this.stats.batches += 1;
      this.stats.bookings += batch.length;
      this.stats.largest = Math.max(this.stats.largest, batch.length);
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const waiting of batch) await this.commit([waiting]);
      return;
    }
    batch.forEach((waiting, i) => {
      const outcome = outcomes[i]!;
      if ('ok' in outcome) waiting.resolve(outcome.ok);
      else waiting.reject(outcome.refused);
    });
  }
}

const writers = new WeakMap<DB, GroupCommit>();

/** The group-commit writer of a database handle (made on first use). */
export function groupCommitOf(db: DB): GroupCommit {
  let writer = writers.get(db);
  if (!writer) writers.set(db, (writer = new GroupCommit(db)));
  return writer;
}
