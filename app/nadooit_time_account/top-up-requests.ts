import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { transaction } from '../core/db/transaction.js';
import type { Tx } from '../core/db/transaction.js';
import { staffAuthority } from '../nadooit_auth/services/actor.js';
import type { Actor } from '../core/actor.js';
import { Conflict, InvalidInput, NotFound, PermissionDenied } from '../core/errors.js';
import { isUuid } from '../core/ids.js';
import { hasRole } from '../nadooit_hr/permissions.js';
import { topUp } from './ledger.js';
import type { LedgerChange } from './ledger.js';
import type { TopUpRequestStatus, TopUpRequestsTable } from './models.js';
import { customerTimeAccount } from './services.js';
import './models.js';
import { topUpRequestMachine } from './top-up-request-workflow.js';
import type { TopUpMove } from './top-up-request-workflow.js';

/**
 * Top-up requests. A customer's time-account manager asks for prepaid time on one of that customer's
 * accounts; NADOOIT staff approve (one `top_up` ledger entry with the request's id as its reference, in the
 * same transaction as the decision) or reject with a reason. A request is decided once
 * (top-up-request-workflow.ts).
 *
 * Who may request: the ability that lets a manager create (and so fund) time accounts for the customer,
 * `time_account_manager.can_create_time_accounts`. Every time-account manager of the customer sees the
 * requests (as they see the ledger).
 */

export type TopUpRequest = Selectable<TopUpRequestsTable>;
export type TopUpRequestListing = TopUpRequest & { requested_by_name: string | null };

/** 100 000 hours: far above any real order, low enough to catch a slipped digit. */
export const MAX_TOP_UP_REQUEST_SECONDS = 100_000 * 3600;
export const MAX_TOP_UP_NOTE_LENGTH = 500;

function cleanNote(value: string | null | undefined, what: string): string | null {
  const note = value?.trim() || null;
  if (note && note.length > MAX_TOP_UP_NOTE_LENGTH) throw new InvalidInput(`${what} darf höchstens ${MAX_TOP_UP_NOTE_LENGTH} Zeichen lang sein.`);
  return note;
}

/**
 * Requests a top-up of `seconds` for a customer time account (see the rule above); refused for inactive
 * accounts. `at` (default now) only for data that is dated on purpose (demo data, imports).
 */
export async function requestTopUp(db: Tx, input: Actor & { customerTimeAccountId: string; seconds: number; note?: string | null; at?: Date }): Promise<TopUpRequest> {
  if (!Number.isSafeInteger(input.seconds) || input.seconds <= 0 || input.seconds > MAX_TOP_UP_REQUEST_SECONDS) {
    throw new InvalidInput(`Bitte eine Menge zwischen 1 Sekunde und ${MAX_TOP_UP_REQUEST_SECONDS / 3600} Stunden angeben.`);
  }
  const note = cleanNote(input.note, 'Die Notiz');
  return transaction(db, async (tx) => {
    const account = await customerTimeAccount(tx, input.customerTimeAccountId);
    if (!account) throw new NotFound('Zeitkonto nicht gefunden');
    if (!(await staffAuthority(tx, input)) && !(await hasRole(tx, input.actorUserId!, account.customerId, 'time_account_manager', 'can_create_time_accounts'))) {
      throw new PermissionDenied('Sie dürfen für dieses Zeitkonto keine Aufladung anfragen.');
    }
    if (!account.isActive) throw new Conflict('Das Zeitkonto ist deaktiviert.');
    const now = (input.at ?? new Date()).toISOString();
    const request: TopUpRequest = {
      id: randomUUID(),
      customer_time_account_id: account.customerTimeAccountId,
      customer_id: account.customerId,
      time_account_id: account.timeAccountId,
      seconds: input.seconds,
      note,
      status: 'open',
      requested_by_user_id: input.actorUserId,
      decided_by_user_id: null,
      decided_at: null,
      decision_note: null,
      ledger_entry_id: null,
      created_at: now,
      updated_at: now,
    };
    await tx.insertInto('ta_top_up_requests').values(request).execute();
    await topUpRequestMachine.start(tx, { subjectId: request.id, actorUserId: input.actorUserId, note });
    return request;
  });
}

/** Moves an open request to `to` (staff only); Conflict when it is no longer open, NotFound when unknown. */
async function decide(tx: Tx, input: Actor & { requestId: string; at?: Date }, to: Exclude<TopUpRequestStatus, 'open'>, note: string | null): Promise<TopUpRequest> {
  if (!(await staffAuthority(tx, input))) throw new PermissionDenied('Über Aufladeanfragen entscheidet NADOOIT.');
  if (!isUuid(input.requestId)) throw new NotFound('Aufladeanfrage nicht gefunden');
  const current = await tx.selectFrom('ta_top_up_requests').select('status').where('id', '=', input.requestId).executeTakeFirst();
  if (!current) throw new NotFound('Aufladeanfrage nicht gefunden');
  const outcome: TopUpMove['outcome'] = { request: null };
  await topUpRequestMachine.moveTo(tx, {
    subjectId: input.requestId,
    from: current.status,
    to,
    actorUserId: input.actorUserId,
    note,
    requestId: input.requestId,
    at: (input.at ?? new Date()).toISOString(),
    outcome,
  });
  return outcome.request!;
}

/**
 * Approves an open request (staff): credits its seconds as one `top_up` entry (reference: the request id;
 * note: `note`, else the customer's note) and links the entry — all in one transaction.
 */
export async function approveTopUpRequest(db: Tx, input: Actor & { requestId: string; note?: string | null; at?: Date }): Promise<{ request: TopUpRequest; change: LedgerChange }> {
  const note = cleanNote(input.note, 'Die Notiz');
  return transaction(db, async (tx) => {
    const request = await decide(tx, input, 'approved', note);
    const change = await topUp(tx, {
      timeAccountId: request.time_account_id,
      seconds: request.seconds,
      note: note ?? request.note ?? 'Aufladeanfrage',
      reference: request.id,
      authorUserId: input.actorUserId,
      at: input.at,
    });
    await tx.updateTable('ta_top_up_requests').set({ ledger_entry_id: change.entryId }).where('id', '=', request.id).execute();
    return { request: { ...request, ledger_entry_id: change.entryId }, change };
  });
}

/** Rejects an open request (staff) with a required reason the customer sees; nothing is credited. */
export async function rejectTopUpRequest(db: Tx, input: Actor & { requestId: string; reason: string; at?: Date }): Promise<TopUpRequest> {
  const reason = cleanNote(input.reason, 'Der Grund');
  if (!reason) throw new InvalidInput('Eine Ablehnung braucht einen Grund.');
  return transaction(db, (tx) => decide(tx, input, 'rejected', reason));
}

/** The requests of one customer time account, newest first, with the requester's name. No permission check. */
export async function topUpRequestsOf(db: Tx, customerTimeAccountId: string, limit = 20): Promise<TopUpRequestListing[]> {
  if (!isUuid(customerTimeAccountId)) return [];
  const rows = await db
    .selectFrom('ta_top_up_requests as r')
    .leftJoin('users as u', 'u.id', 'r.requested_by_user_id')
    .selectAll('r')
    .select('u.display_name as requested_by_name')
    .where('r.customer_time_account_id', '=', customerTimeAccountId)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(Math.min(limit, 200))
    .execute();
  return rows.map((r) => ({ ...r, seconds: Number(r.seconds) }));
}

/** Open requests of a customer per customer time account: how many and how many seconds in all. */
export async function openTopUpRequests(db: Tx, customerId: string): Promise<Map<string, { count: number; seconds: number }>> {
  if (!isUuid(customerId)) return new Map();
  const rows = await db
    .selectFrom('ta_top_up_requests')
    .select((eb) => ['customer_time_account_id', eb.fn.countAll<number>().as('count'), eb.fn.sum<number>('seconds').as('seconds')])
    .where('customer_id', '=', customerId)
    .where('status', '=', 'open')
    .groupBy('customer_time_account_id')
    .execute();
  return new Map(rows.map((r) => [r.customer_time_account_id, { count: Number(r.count), seconds: Number(r.seconds) }]));
}

/** How many top-up requests of all customers wait for a decision (for staff views such as the admin's start page). */
export async function countOpenTopUpRequests(db: Tx): Promise<number> {
  const row = await db.selectFrom('ta_top_up_requests').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'open').executeTakeFirst();
  return Number(row?.n ?? 0);
}
