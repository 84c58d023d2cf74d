import type { Selectable, Transaction } from 'kysely';
import { flavorOf } from '../../core/db/connection.js';
import type { DB } from '../../core/db/connection.js';
import type { Database } from '../../core/db/schema.js';
import type { Tx } from '../../core/db/transaction.js';
import { sha256Hex } from '../../core/http/tokens.js';
import { isUuid } from '../../core/ids.js';
import { BookingRefused } from '../errors.js';
import type { ExecutionsTable } from '../models.js';
import { BookingBatch } from './booking-batch.js';
import { groupCommitOf } from './group-commit.js';
import '../models.js';

export type Execution = Selectable<ExecutionsTable>;

export interface BookExecutionInput {
  customerProgramId: string;
  /** Seconds the run saved; undefined, null or 0 book the program's default (as the original). */
  timeSavedSeconds?: number | null;
  /** Upper bound for a reported figure (settings.maxTimeSavedSeconds). */
  maxTimeSavedSeconds: number;
  /** Who books (the API key's owner); scopes the idempotency key. */
  userId: string | null;
  apiKeyId?: string | null;
  /** A retry with the same key by the same user returns the first booking instead of booking again. */
  idempotencyKey?: string | null;
  /** Booking time; only demo data and imports back-date. */
  at?: Date;
}

export interface BookingResult {
  execution: Execution;
  /** True when an earlier booking with the same idempotency key was returned. */
  replayed: boolean;
}

const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Throws unless `value` is a whole number of seconds from 0 to max. */
export function checkTimeSaved(value: number | null | undefined, max: number): number {
  const seconds = value ?? 0;
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds > max) {
    throw new BookingRefused('invalid_time_saved', `time_saved must be a whole number of seconds from 0 to ${max}`, { max });
  }
  return seconds;
}

/** A booking checked and normalised, ready for a batch (services/booking-batch.ts). */
export interface PreparedBooking {
  customerProgramId: string;
  /** 0 books the program's default. */
  reportedSeconds: number;
  userId: string | null;
  apiKeyId: string | null;
  /** Only with a user: keys are scoped per user. */
  idempotencyKey: string | null;
  /** What the idempotency key promises (program and reported seconds); empty without a key. */
  fingerprint: string;
  at?: Date;
}

/** Throws the refusals that need no database; the rest happens in the batch. */
function prepare(input: BookExecutionInput): PreparedBooking {
  const reported = checkTimeSaved(input.timeSavedSeconds, input.maxTimeSavedSeconds);
  const key = input.idempotencyKey?.trim() || null;
  if (key && key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new BookingRefused('idempotency_key_too_long', `Idempotency keys have at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`, {
      max: MAX_IDEMPOTENCY_KEY_LENGTH,
    });
  }
  const idempotencyKey = key && input.userId ? key : null;
  return {
    customerProgramId: input.customerProgramId,
    reportedSeconds: reported,
    userId: input.userId,
    apiKeyId: input.apiKeyId ?? null,
    idempotencyKey,
    fingerprint: idempotencyKey ? sha256Hex(`${input.customerProgramId}|${reported}`) : '',
    at: input.at,
  };
}

/**
 * Books one execution (legacy-core §4.2, with its defects fixed): draw up to the charged seconds from the
 * prepaid account, count the billable rest on the program's running total, price it, insert the execution
 * — all or nothing. The one entry point for the bot API, the REST API, the admin and the CLI.
 *
 * Called with the database handle, the booking joins the process's group commit (services/group-commit.ts):
 * bookings that arrive while a batch commits share the next transaction, and the promise settles after
 * that commit. Called inside a transaction, it books within that transaction.
 */
export async function bookExecution(db: Tx, input: BookExecutionInput): Promise<BookingResult> {
  const booking = prepare(input);
  try {
    if (db.isTransaction) {
      const tx = db as Transaction<Database>;
      const batch = new BookingBatch(tx, flavorOf(tx));
      const result = await batch.book(booking);
      await batch.flush();
      return result;
    }
    return await groupCommitOf(db as DB).submit(booking);
  } catch (error) {
    // A parallel retry with the same key (another process, or a batch that failed) committed first: return theirs.
    if (booking.idempotencyKey && isUniqueViolation(error) && !db.isTransaction) {
      const existing = await db
        .selectFrom('ex_executions')
        .selectAll()
        .where('user_id', '=', booking.userId!)
        .where('idempotency_key', '=', booking.idempotencyKey)
        .executeTakeFirst();
      if (existing) {
        if (existing.idempotency_fingerprint !== booking.fingerprint) {
          throw new BookingRefused('idempotency_conflict', 'This idempotency key was already used for a different booking');
        }
        return { execution: existing, replayed: true };
      }
    }
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export async function executionById(db: Tx, id: string): Promise<Execution | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('ex_executions').selectAll().where('id', '=', id).executeTakeFirst();
}
