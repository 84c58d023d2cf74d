import type { DB } from '../../core/db/connection.js';
import { GroupCommit, groupCommitOf as writerOf } from '../../core/db/group-commit.js';
import type { BatchWork, GroupCommitKind } from '../../core/db/group-commit.js';
import { BookingRefused } from '../errors.js';
import { BookingBatch } from './booking-batch.js';
import type { BookingResult, PreparedBooking } from './booking.js';

/** Upper bound of one batch; more waiting bookings go into the next one. */
export const MAX_BATCH = 2000;

/**
 * Group commit for bookings (core/db/group-commit.ts): bookings that arrive while a batch commits share the
 * next transaction, applied in arrival order by a BookingBatch; a BookingRefused is that booking's answer
 * and the batch goes on; any other error re-runs the batch's bookings one by one, so only the one at fault
 * fails.
 */
export const BOOKINGS: GroupCommitKind<PreparedBooking, BookingResult> = {
  name: 'bookings',
  begin: (tx, flavor) => workOf(new BookingBatch(tx, flavor)),
  // SQLite has no round trips to save, and its writer holds the only write lock anyway.
  optimistic: (db, flavor) => (flavor === 'sqlite' ? null : workOf(new BookingBatch(db, flavor, true))),
  isRefusal: (error) => error instanceof BookingRefused,
  maxBatch: MAX_BATCH,
};

function workOf(batch: BookingBatch): BatchWork<PreparedBooking, BookingResult> {
  return { run: (booking) => batch.book(booking), flush: () => batch.flush(), committed: () => batch.committed() };
}

/** The booking group-commit writer of a database handle (made on first use). */
export function groupCommitOf(db: DB): GroupCommit<PreparedBooking, BookingResult> {
  return writerOf(db, BOOKINGS);
}
