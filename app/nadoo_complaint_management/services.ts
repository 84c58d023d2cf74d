import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { transaction } from '../core/db/transaction.js';
import type { Tx } from '../core/db/transaction.js';
import { staffAuthority } from '../nadooit_auth/services/actor.js';
import { namesOfUsers } from '../nadooit_auth/services/users.js';
import type { Actor } from '../core/actor.js';
import { Conflict, InvalidInput, NotFound, PermissionDenied } from '../core/errors.js';
import { customersWithRole, hasRole } from '../nadooit_hr/permissions.js';
import { isUuid } from '../core/ids.js';
import { executionById, setInComplaint } from '../nadooit_api_executions_system/services/index.js';
import type { Execution, StatusChange } from '../nadooit_api_executions_system/services/index.js';
import type { ComplaintCommentsTable, ComplaintEventsTable, ComplaintStatus, ComplaintsTable } from './models.js';
import './models.js';
import { historyStamp } from './history.js';
import { complaintMachine } from './workflow.js';
import type { ComplaintMove } from './workflow.js';

export type Complaint = Selectable<ComplaintsTable>;
export type ComplaintComment = Selectable<ComplaintCommentsTable>;
export type ComplaintEvent = Selectable<ComplaintEventsTable>;

export { COMPLAINT_TRANSITIONS } from './workflow.js';

const MAX_TEXT = 5000;

function cleanText(text: string | null | undefined, what: string): string {
  const value = (text ?? '').trim();
  if (!value) throw new InvalidInput(`${what} darf nicht leer sein.`, { field: 'text' });
  if (value.length > MAX_TEXT) throw new InvalidInput(`${what} ist zu lang (höchstens ${MAX_TEXT} Zeichen).`, { field: 'text' });
  return value;
}

/** Staff, or an execution manager of the customer (active contract). */
async function maySee(tx: Tx, actor: Actor, customerId: string | null): Promise<boolean> {
  if (await staffAuthority(tx, actor)) return true;
  return customerId !== null && (await hasRole(tx, actor.actorUserId!, customerId, 'customer_program_execution_manager'));
}

async function complaintById(tx: Tx, id: string): Promise<Complaint | undefined> {
  return isUuid(id) ? tx.selectFrom('cm_complaints').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
}

/**
 * "Reklamieren": an execution manager of the booking's customer files a complaint. Refused when the
 * booking is already under complaint or cancelled.
 */
/** The customer a complaint is about, or undefined for an unknown id. No permission check. */
export async function customerOfComplaint(db: Tx, complaintId: string): Promise<string | undefined> {
  if (!isUuid(complaintId)) return undefined;
  const row = await db.selectFrom('cm_complaints').select('customer_id').where('id', '=', complaintId).executeTakeFirst();
  return row?.customer_id ?? undefined;
}

export async function fileComplaint(db: Tx, input: Actor & { executionId: string; text: string }): Promise<Complaint> {
  const text = cleanText(input.text, 'Die Reklamation');
  return transaction(db, async (tx) => {
    const execution = await executionById(tx, input.executionId);
    if (!execution) throw new NotFound('Buchung nicht gefunden');
    if (!(await maySee(tx, input, execution.customer_id))) throw new PermissionDenied('Sie dürfen Buchungen dieses Kunden nicht reklamieren.');
    if (!(await setInComplaint(tx, execution.id, true))) {
      throw new Conflict('Diese Buchung wird bereits reklamiert oder ist storniert.');
    }
    const now = new Date().toISOString();
    const complaint: Complaint = {
      id: randomUUID(),
      execution_id: execution.id,
      customer_id: execution.customer_id,
      author_user_id: input.actorUserId,
      text,
      status: 'OPEN',
      resolution_note: null,
      resolved_by_user_id: null,
      resolved_at: null,
      created_at: now,
      updated_at: now,
    };
    await tx.insertInto('cm_complaints').values(complaint).execute();
    await complaintMachine.start(tx, { subjectId: complaint.id, actorUserId: input.actorUserId });
    return complaint;
  });
}

export interface ComplaintDecision {
  complaint: Complaint;
  /** The booking's cancellation, when the complaint was accepted. */
  cancellation: StatusChange | null;
}

/** Staff: moves a complaint on (start, accept, reject); accepting cancels the booking and credits its drawn seconds. */
export async function decideComplaint(
  db: Tx,
  input: Actor & { complaintId: string; to: ComplaintStatus; note?: string | null },
): Promise<ComplaintDecision> {
  return transaction(db, async (tx) => {
    if (!(await staffAuthority(tx, input))) throw new PermissionDenied('Über Reklamationen entscheidet NADOOIT.');
    const complaint = await complaintById(tx, input.complaintId);
    if (!complaint) throw new NotFound('Reklamation nicht gefunden');
    const now = new Date().toISOString();
    const outcome: ComplaintMove['outcome'] = { cancellation: null };
    await complaintMachine.moveTo(tx, {
      subjectId: complaint.id,
      from: complaint.status,
      to: input.to,
      actorUserId: input.actorUserId,
      note: input.note,
      complaint,
      at: now,
      outcome,
    });
    const { cancellation } = outcome;
    return { complaint: { ...complaint, status: input.to, updated_at: now }, cancellation };
  });
}

export const startComplaint = (db: Tx, input: Actor & { complaintId: string; note?: string | null }) => decideComplaint(db, { ...input, to: 'IN_PROGRESS' });
export const acceptComplaint = (db: Tx, input: Actor & { complaintId: string; note?: string | null }) => decideComplaint(db, { ...input, to: 'ACCEPTED' });
export const rejectComplaint = (db: Tx, input: Actor & { complaintId: string; note?: string | null }) => decideComplaint(db, { ...input, to: 'REJECTED' });

/** A comment by staff or by one of the customer's execution managers. */
export async function addComment(db: Tx, input: Actor & { complaintId: string; text: string }): Promise<ComplaintComment> {
  const text = cleanText(input.text, 'Der Kommentar');
  return transaction(db, async (tx) => {
    const complaint = await complaintById(tx, input.complaintId);
    if (!complaint) throw new NotFound('Reklamation nicht gefunden');
    if (!(await maySee(tx, input, complaint.customer_id))) throw new PermissionDenied();
    const comment: ComplaintComment = { id: randomUUID(), complaint_id: complaint.id, author_user_id: input.actorUserId, text, created_at: await historyStamp(tx, complaint.id) };
    await tx.insertInto('cm_complaint_comments').values(comment).execute();
    return comment;
  });
}

export interface HistoryEntry {
  kind: 'status' | 'comment';
  at: string;
  actorUserId: string | null;
  actorName: string | null;
  fromStatus: ComplaintStatus | null;
  toStatus: ComplaintStatus | null;
  text: string | null;
}

export interface ComplaintDetails {
  complaint: Complaint;
  execution: Execution | null;
  authorName: string | null;
  /** Status changes and comments, oldest first. */
  history: HistoryEntry[];
}

/** A complaint with its booking and full history, for staff and the customer's execution managers. */
export async function complaintDetails(db: Tx, input: Actor & { complaintId: string }): Promise<ComplaintDetails> {
  const complaint = await complaintById(db, input.complaintId);
  if (!complaint) throw new NotFound('Reklamation nicht gefunden');
  if (!(await maySee(db, input, complaint.customer_id))) throw new PermissionDenied();
  const events = await db.selectFrom('cm_complaint_events').selectAll().where('complaint_id', '=', complaint.id).execute();
  const comments = await db.selectFrom('cm_complaint_comments').selectAll().where('complaint_id', '=', complaint.id).execute();
  const who = await namesOfUsers(db, [complaint.author_user_id, ...events.map((e) => e.actor_user_id), ...comments.map((c) => c.author_user_id)]);
  const history: HistoryEntry[] = [
    ...events.map((e) => ({
      kind: 'status' as const,
      at: e.created_at,
      actorUserId: e.actor_user_id,
      actorName: e.actor_user_id ? (who.get(e.actor_user_id) ?? null) : null,
      fromStatus: e.from_status,
      toStatus: e.to_status,
      text: e.note,
    })),
    ...comments.map((c) => ({
      kind: 'comment' as const,
      at: c.created_at,
      actorUserId: c.author_user_id,
      actorName: c.author_user_id ? (who.get(c.author_user_id) ?? null) : null,
      fromStatus: null,
      toStatus: null,
      text: c.text,
    })),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return {
    complaint,
    execution: complaint.execution_id ? ((await executionById(db, complaint.execution_id)) ?? null) : null,
    authorName: complaint.author_user_id ? (who.get(complaint.author_user_id) ?? null) : null,
    history,
  };
}

export interface ComplaintListFilter extends Actor {
  customerId?: string;
  statuses?: readonly ComplaintStatus[];
  executionId?: string;
  limit?: number;
  /** ISO created_at of the last complaint of the previous page (newest first). */
  before?: string;
}

/** Complaints the actor may see (staff: all; others: customers where they are execution managers), newest first. */
export async function listComplaints(db: Tx, filter: ComplaintListFilter): Promise<Complaint[]> {
  const staff = await staffAuthority(db, filter);
  let query = db.selectFrom('cm_complaints').selectAll();
  if (!staff) {
    const visible = await customersWithRole(db, filter.actorUserId!, 'customer_program_execution_manager');
    if (!visible.length) return [];
    query = query.where('customer_id', 'in', visible);
  }
  if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
  if (filter.executionId) query = query.where('execution_id', '=', filter.executionId);
  if (filter.statuses?.length) query = query.where('status', 'in', [...filter.statuses]);
  if (filter.before) query = query.where('created_at', '<', filter.before);
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.max(1, Math.min(filter.limit ?? 50, 500)))
    .execute();
}

/** How many complaints wait in `status` (all customers; for staff views such as the admin's start page). */
export async function countComplaintsInStatus(db: Tx, status: ComplaintStatus): Promise<number> {
  const row = await db.selectFrom('cm_complaints').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', status).executeTakeFirst();
  return Number(row?.n ?? 0);
}
