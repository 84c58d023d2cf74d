import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { sha256Hex } from '../../core/http/tokens.js';
import { isUuid } from '../../core/ids.js';
import { drawForBooking, timeAccountIsActive } from '../../nadooit_time_account/ledger.js';
import { getCustomerProgram } from '../../nadooit_program_ownership_system/services.js';
import { BookingRefused } from '../errors.js';
import type { ExecutionsTable } from '../models.js';
import { quote, tiersOf } from '../pricing.js';
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

function fingerprint(input: BookExecutionInput, reported: number): string {
  return sha256Hex(`${input.customerProgramId}|${reported}`);
}

async function findByIdempotencyKey(db: Tx, userId: string, key: string): Promise<Execution | undefined> {
  return db.selectFrom('ex_executions').selectAll().where('user_id', '=', userId).where('idempotency_key', '=', key).executeTakeFirst();
}

function replay(existing: Execution, expectedFingerprint: string): BookingResult {
  if (existing.idempotency_fingerprint !== expectedFingerprint) {
    throw new BookingRefused('idempotency_conflict', 'This idempotency key was already used for a different booking');
  }
  return { execution: existing, replayed: true };
}

/** Adds a booking's billable seconds to its program's running total; returns the total before it. */
async function countBooking(tx: Tx, customerProgramId: string, billableSeconds: number, now: string): Promise<number> {
  const row = await tx
    .insertInto('ex_customer_program_counters')
    .values({ customer_program_id: customerProgramId, billable_seconds: billableSeconds, executions: 1, updated_at: now })
    .onConflict((oc) =>
      oc.column('customer_program_id').doUpdateSet({
        billable_seconds: sql`ex_customer_program_counters.billable_seconds + ${billableSeconds}`,
        executions: sql`ex_customer_program_counters.executions + 1`,
        updated_at: now,
      }),
    )
    .returning('billable_seconds')
    .executeTakeFirstOrThrow();
  return Number(row.billable_seconds) - billableSeconds;
}

/**
 * Books one execution (legacy-core §4.2, with its defects fixed) in ONE transaction: draw up to the charged
 * seconds from the prepaid account (an atomic conditional update, so parallel bookings never spend the same
 * seconds), count the billable rest on the program's running total, price it, insert the execution. Any
 * failure rolls everything back. Lock order is always time account → counter, as in cancellations.
 */
export async function bookExecution(db: Tx, input: BookExecutionInput): Promise<BookingResult> {
  const reported = checkTimeSaved(input.timeSavedSeconds, input.maxTimeSavedSeconds);
  const key = input.idempotencyKey?.trim() || null;
  if (key && key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new BookingRefused('idempotency_key_too_long', `Idempotency keys have at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`, {
      max: MAX_IDEMPOTENCY_KEY_LENGTH,
    });
  }
  const scopedKey = key && input.userId ? key : null;
  const print = fingerprint(input, reported);
  try {
    return await transaction(db, async (tx) => {
      if (scopedKey) {
        const existing = await findByIdempotencyKey(tx, input.userId!, scopedKey);
        if (existing) return replay(existing, print);
      }
      const program = await getCustomerProgram(tx, input.customerProgramId);
      if (!program) throw new BookingRefused('program_not_found', 'Program does not exist');
      if (!program.is_active) throw new BookingRefused('program_inactive', 'Program is not active');
      if (!program.customer_id) throw new BookingRefused('program_without_customer', 'Program has no customer');
      const charged = reported === 0 ? program.program_time_saved_per_execution_in_seconds : reported;
      const id = randomUUID();
      const now = (input.at ?? new Date()).toISOString();

      let covered = 0;
      let balanceAfter: number | null = null;
      let timeAccountId: string | null = null;
      if (program.time_account_id && (await timeAccountIsActive(tx, program.time_account_id))) {
        const draw = await drawForBooking(tx, { timeAccountId: program.time_account_id, seconds: charged, executionId: id, at: input.at });
        covered = draw.drawnSeconds;
        balanceAfter = draw.balanceAfter;
        timeAccountId = program.time_account_id;
      }
      const billable = charged - covered;
      const before = await countBooking(tx, program.id, billable, now);
      const price = quote({
        pricingMode: program.pricing_mode,
        billableSeconds: billable,
        pricePerSecond: program.price_per_second,
        tiers: program.pricing_mode === 'tiered' ? await tiersOf(tx, program.id) : [],
        cumulativeBillableSeconds: before,
      });
      const execution: Execution = {
        id,
        customer_program_id: program.id,
        customer_id: program.customer_id,
        program_id: program.program_id,
        time_account_id: timeAccountId,
        user_id: input.userId,
        api_key_id: input.apiKeyId ?? null,
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
        idempotency_key: scopedKey,
        idempotency_fingerprint: scopedKey ? print : null,
        created_at: now,
        updated_at: now,
      };
      await tx.insertInto('ex_executions').values(execution).execute();
      return { execution, replayed: false };
    });
  } catch (error) {
    // A parallel retry with the same key committed first: our transaction rolled back, return theirs.
    if (scopedKey && isUniqueViolation(error)) {
      const existing = await findByIdempotencyKey(db, input.userId!, scopedKey);
      if (existing) return replay(existing, print);
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
