import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import type { Actor } from '../../core/actor.js';
import { Conflict, InvalidInput, NotFound } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import { periodNow } from '../../core/time/clock.js';
import { assertWorkTimeAccess } from './access.js';
import type { WorkTimeAccount } from './access.js';
import type { WorkTimeCorrectionAction, WorkTimeCorrectionsTable, WorkTimeEntriesTable } from './models.js';
import './models.js';

/**
 * Clock in / clock out and corrections. An entry is one stretch of work; clocking in opens one, clocking
 * out closes it, so ins and outs always pair. Rules: one open entry per account (also a unique index), no
 * entry longer than 24 hours, entries of one account never overlap, nothing ends in the future. Only the
 * employee clocks; their employee manager (or staff) corrects — adding, changing or deleting an entry with a
 * required reason, each correction kept with before and after.
 */

export type WorkTimeEntry = Selectable<WorkTimeEntriesTable>;
export type WorkTimeCorrection = Selectable<WorkTimeCorrectionsTable>;

export const MAX_ENTRY_SECONDS = 24 * 3600;
export const MAX_REASON_LENGTH = 500;

/** Instants are kept to the whole second, so every sum is whole seconds. */
function wholeSecond(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function instant(value: string | Date, field: string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms)) throw new InvalidInput('Ungültige Zeitangabe.', { field });
  return Math.floor(ms / 1000) * 1000;
}

async function openEntry(tx: Tx, accountId: string): Promise<WorkTimeEntry | undefined> {
  return tx.selectFrom('ta_work_time_entries').selectAll().where('employee_time_account_id', '=', accountId).where('ended_at', 'is', null).executeTakeFirst();
}

/** Entries of the account overlapping [start, end) (end null: open-ended), other than `exceptId`. */
async function overlapping(tx: Tx, accountId: string, start: string, end: string | null, exceptId?: string): Promise<boolean> {
  let query = tx
    .selectFrom('ta_work_time_entries')
    .select('id')
    .where('employee_time_account_id', '=', accountId)
    .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', start)]));
  if (end !== null) query = query.where('started_at', '<', end);
  if (exceptId) query = query.where('id', '!=', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

function checkLength(start: number, end: number): void {
  if (end <= start) throw new InvalidInput('Das Ende muss nach dem Beginn liegen.', { field: 'endedAt' });
  if (end - start > MAX_ENTRY_SECONDS * 1000) throw new InvalidInput('Ein Eintrag darf höchstens 24 Stunden lang sein.', { field: 'endedAt' });
}

/** The employee clocks in now (the injectable clock). */
export async function clockIn(db: Tx, input: Actor & { employeeTimeAccountId: string }): Promise<WorkTimeEntry> {
  return transaction(db, async (tx) => {
    const account = await assertWorkTimeAccess(tx, input, input.employeeTimeAccountId, 'clock');
    const now = wholeSecond(periodNow().getTime());
    if (await openEntry(tx, account.id)) throw new Conflict('Sie sind bereits eingestempelt.');
    if (await overlapping(tx, account.id, now, null)) throw new Conflict('Zu dieser Zeit ist bereits Arbeitszeit erfasst.');
    const entry: WorkTimeEntry = {
      id: randomUUID(),
      employee_time_account_id: account.id,
      started_at: now,
      ended_at: null,
      corrected: false,
      created_by_user_id: input.actorUserId,
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.insertInto('ta_work_time_entries').values(entry).execute();
    } catch (error) {
      // A clock-in of the same person in the same instant: the unique index on open entries refused it.
      if (isUniqueViolation(error)) throw new Conflict('Sie sind bereits eingestempelt.');
      throw error;
    }
    return entry;
  });
}

/** The employee clocks out now; the open entry is closed. */
export async function clockOut(db: Tx, input: Actor & { employeeTimeAccountId: string }): Promise<WorkTimeEntry> {
  return transaction(db, async (tx) => {
    const account = await assertWorkTimeAccess(tx, input, input.employeeTimeAccountId, 'clock');
    const open = await openEntry(tx, account.id);
    if (!open) throw new Conflict('Sie sind nicht eingestempelt.');
    const now = instant(periodNow(), 'endedAt');
    const start = Date.parse(open.started_at);
    if (now <= start) throw new Conflict('Das Ausstempeln muss nach dem Einstempeln liegen.');
    if (now - start > MAX_ENTRY_SECONDS * 1000) {
      throw new Conflict('Der Eintrag wäre länger als 24 Stunden. Bitte lassen Sie ihn von Ihrer Personalverwaltung korrigieren.');
    }
    const ended = new Date(now).toISOString();
    const closed = await tx
      .updateTable('ta_work_time_entries')
      .set({ ended_at: ended, updated_at: ended })
      .where('id', '=', open.id)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    if (Number(closed.numUpdatedRows) !== 1) throw new Conflict('Sie sind nicht eingestempelt.');
    return { ...open, ended_at: ended, updated_at: ended };
  });
}

function cleanReason(reason: string | null | undefined): string {
  const text = reason?.trim() ?? '';
  if (!text) throw new InvalidInput('Eine Korrektur braucht einen Grund.', { field: 'reason' });
  if (text.length > MAX_REASON_LENGTH) throw new InvalidInput(`Der Grund darf höchstens ${MAX_REASON_LENGTH} Zeichen lang sein.`, { field: 'reason' });
  return text;
}

export interface CorrectionInput extends Actor {
  reason: string;
}

async function audit(
  tx: Tx,
  account: WorkTimeAccount,
  input: CorrectionInput,
  action: WorkTimeCorrectionAction,
  entryId: string,
  before: { started_at: string; ended_at: string | null } | null,
  after: { started_at: string; ended_at: string | null } | null,
  reason: string,
): Promise<void> {
  await tx
    .insertInto('ta_work_time_corrections')
    .values({
      id: randomUUID(),
      employee_time_account_id: account.id,
      entry_id: entryId,
      action,
      before_started_at: before?.started_at ?? null,
      before_ended_at: before?.ended_at ?? null,
      after_started_at: after?.started_at ?? null,
      after_ended_at: after?.ended_at ?? null,
      reason,
      actor_user_id: input.actorUserId,
      created_at: new Date().toISOString(),
    })
    .execute();
}

/** Validates a corrected stretch: ordered, at most 24 h, not in the future, no overlap with other entries. */
async function checkStretch(tx: Tx, accountId: string, startedAt: string | Date, endedAt: string | Date, exceptId?: string): Promise<{ started_at: string; ended_at: string }> {
  const start = instant(startedAt, 'startedAt');
  const end = instant(endedAt, 'endedAt');
  checkLength(start, end);
  if (end > periodNow().getTime()) throw new InvalidInput('Arbeitszeit in der Zukunft kann nicht erfasst werden.', { field: 'endedAt' });
  const stretch = { started_at: new Date(start).toISOString(), ended_at: new Date(end).toISOString() };
  if (await overlapping(tx, accountId, stretch.started_at, stretch.ended_at, exceptId)) {
    throw new Conflict('Der Eintrag überschneidet sich mit einem anderen Eintrag.');
  }
  return stretch;
}

/** A manager adds a forgotten stretch of work. */
export async function addEntry(db: Tx, input: CorrectionInput & { employeeTimeAccountId: string; startedAt: string | Date; endedAt: string | Date }): Promise<WorkTimeEntry> {
  const reason = cleanReason(input.reason);
  return transaction(db, async (tx) => {
    const account = await assertWorkTimeAccess(tx, input, input.employeeTimeAccountId, 'correct');
    const stretch = await checkStretch(tx, account.id, input.startedAt, input.endedAt);
    const now = new Date().toISOString();
    const entry: WorkTimeEntry = { id: randomUUID(), employee_time_account_id: account.id, ...stretch, corrected: true, created_by_user_id: input.actorUserId, created_at: now, updated_at: now };
    await tx.insertInto('ta_work_time_entries').values(entry).execute();
    await audit(tx, account, input, 'add', entry.id, null, stretch, reason);
    return entry;
  });
}

async function entryById(tx: Tx, entryId: string): Promise<WorkTimeEntry> {
  const entry = isUuid(entryId) ? await tx.selectFrom('ta_work_time_entries').selectAll().where('id', '=', entryId).executeTakeFirst() : undefined;
  if (!entry) throw new NotFound('Eintrag nicht gefunden');
  return entry;
}

/** A manager changes start and end of an entry (also ends an entry left open). */
export async function changeEntry(db: Tx, input: CorrectionInput & { entryId: string; startedAt: string | Date; endedAt: string | Date }): Promise<WorkTimeEntry> {
  const reason = cleanReason(input.reason);
  return transaction(db, async (tx) => {
    const entry = await entryById(tx, input.entryId);
    const account = await assertWorkTimeAccess(tx, input, entry.employee_time_account_id, 'correct');
    const stretch = await checkStretch(tx, account.id, input.startedAt, input.endedAt, entry.id);
    const now = new Date().toISOString();
    await tx.updateTable('ta_work_time_entries').set({ ...stretch, corrected: true, updated_at: now }).where('id', '=', entry.id).execute();
    await audit(tx, account, input, 'change', entry.id, entry, stretch, reason);
    return { ...entry, ...stretch, corrected: true, updated_at: now };
  });
}

/** A manager deletes an entry recorded by mistake; the audit row keeps what it was. */
export async function deleteEntry(db: Tx, input: CorrectionInput & { entryId: string }): Promise<void> {
  const reason = cleanReason(input.reason);
  await transaction(db, async (tx) => {
    const entry = await entryById(tx, input.entryId);
    const account = await assertWorkTimeAccess(tx, input, entry.employee_time_account_id, 'correct');
    await tx.deleteFrom('ta_work_time_entries').where('id', '=', entry.id).execute();
    await audit(tx, account, input, 'delete', entry.id, entry, null, reason);
  });
}

/** Entries of an account overlapping [from, to), oldest first. No permission check (callers check). */
export async function entriesBetween(db: Tx, accountId: string, from: string, to: string): Promise<WorkTimeEntry[]> {
  return db
    .selectFrom('ta_work_time_entries')
    .selectAll()
    .where('employee_time_account_id', '=', accountId)
    .where('started_at', '<', to)
    .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', from)]))
    .orderBy('started_at')
    .orderBy('id')
    .execute();
}

/** The open entry of an account, if the employee is clocked in. No permission check. */
export const clockedInEntry = openEntry;

/** The corrections of an account, newest first (with whoever made them). */
export async function correctionsOf(db: Tx, input: Actor & { employeeTimeAccountId: string; limit?: number }): Promise<WorkTimeCorrection[]> {
  const account = await assertWorkTimeAccess(db, input, input.employeeTimeAccountId, 'view');
  return db
    .selectFrom('ta_work_time_corrections')
    .selectAll()
    .where('employee_time_account_id', '=', account.id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(input.limit ?? 50, 500))
    .execute();
}

/** The account an entry belongs to, or undefined for an unknown id. No permission check. */
export async function accountOfEntry(db: Tx, entryId: string): Promise<string | undefined> {
  if (!isUuid(entryId)) return undefined;
  return (await db.selectFrom('ta_work_time_entries').select('employee_time_account_id').where('id', '=', entryId).executeTakeFirst())?.employee_time_account_id;
}
