import type { Selectable } from 'kysely';
import type { CustomersTable } from '../nadooit_crm/models.js';
import type { LedgerEntry } from '../nadooit_time_account/ledger.js';
import { formatDecimal, isOpen } from '../nadooit_api_executions_system/services/index.js';
import type { ExecutionListItem, ExecutionSums, Execution, PaymentStatus } from '../nadooit_api_executions_system/services/index.js';
import type { Complaint, ComplaintDetails } from '../nadoo_complaint_management/services.js';

/** Rows → the REST API's wire shapes (schemas.ts). */

const decimals = (map: Record<string, number>) => Object.fromEntries(Object.entries(map).map(([k, v]) => [k, formatDecimal(v)]));

export function customerOut(c: Selectable<CustomersTable>) {
  return {
    id: c.id,
    name: c.name,
    contact_email: c.contact_email,
    contact_phone: c.contact_phone,
    time_zone: c.time_zone,
    is_active: c.is_active,
    created_at: c.created_at,
  };
}

export function executionOut(x: Execution & { program_name?: string | null }) {
  return {
    id: x.id,
    customer_id: x.customer_id,
    customer_program_id: x.customer_program_id,
    program_id: x.program_id,
    program_name: x.program_name ?? null,
    time_saved_seconds: x.time_saved_seconds,
    covered_seconds: x.covered_seconds,
    billable_seconds: x.billable_seconds,
    pricing_mode: x.pricing_mode,
    price_per_second: formatDecimal(x.price_per_second),
    price: formatDecimal(x.price),
    currency: x.currency,
    payment_status: x.payment_status,
    is_open: isOpen(x),
    in_complaint: x.in_complaint,
    created_at: x.created_at,
    updated_at: x.updated_at,
  };
}

export const executionItemOut = (x: ExecutionListItem) => executionOut(x);

export function sumsOut(s: ExecutionSums) {
  return {
    count: s.count,
    time_saved_seconds: s.timeSavedSeconds,
    covered_seconds: s.coveredSeconds,
    billable_seconds: s.billableSeconds,
    price: decimals(s.price),
    open_price: decimals(s.openPrice),
    by_status: Object.fromEntries(
      Object.entries(s.byStatus).map(([status, t]) => [status, { count: t.count, time_saved_seconds: t.timeSavedSeconds, price: decimals(t.price) }]),
    ) as Record<PaymentStatus, { count: number; time_saved_seconds: number; price: Record<string, string> }>,
  };
}

export function ledgerOut(e: LedgerEntry) {
  return {
    id: e.id,
    seq: Number(e.seq),
    kind: e.kind,
    seconds: Number(e.seconds),
    balance_after: Number(e.balance_after),
    note: e.note,
    reference: e.reference,
    execution_id: e.execution_id,
    created_at: e.created_at,
  };
}

export function complaintOut(c: Complaint) {
  return {
    id: c.id,
    execution_id: c.execution_id,
    customer_id: c.customer_id,
    author_user_id: c.author_user_id,
    text: c.text,
    status: c.status,
    resolution_note: c.resolution_note,
    resolved_at: c.resolved_at,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

/** A complaint's details; `history: null` when the caller may not see it (scope.ts `sees`). */
export function complaintDetailsOut(d: Omit<ComplaintDetails, 'history'> & { history: ComplaintDetails['history'] | null }) {
  return {
    ...complaintOut(d.complaint),
    author_name: d.authorName,
    execution: d.execution ? executionOut(d.execution) : null,
    history: d.history?.map((h) => ({
      kind: h.kind,
      at: h.at,
      actor_user_id: h.actorUserId,
      actor_name: h.actorName,
      from_status: h.fromStatus,
      to_status: h.toStatus,
      text: h.text,
    })) ?? null,
  };
}
