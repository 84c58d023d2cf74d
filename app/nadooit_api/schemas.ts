import { z } from 'zod';

/**
 * The REST API's wire shapes. One zod schema each gives request validation, response serialisation and
 * the OpenAPI document (ids become components). Money travels as decimal strings ("2.000000", 6 places,
 * exact), seconds as integers, timestamps as ISO-8601 UTC.
 */

const id = () => z.guid();
const timestamp = () => z.string().describe('ISO-8601 UTC timestamp');
const money = () => z.string().regex(/^-?\d+\.\d{6}$/).describe('Decimal amount with 6 places, e.g. "2.000000"');

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

export const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody } as const;
/** `errors` plus 409, for writes a rule can refuse (no balance, group full, stock too low). */
export const conflictErrors = { ...errors, 409: ErrorBody } as const;
/** The body of a 204 answer. */
export const NoContent = z.null().describe('No content');

export const IdParams = z.object({ id: id() });

/** A comma-separated list in a query string ("NOT_PAID,PAID") or a repeated parameter. */
const list = <T extends z.ZodEnum<any>>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(item));

export const Customer = z
  .object({
    id: id(),
    name: z.string(),
    contact_email: z.string().nullable(),
    contact_phone: z.string().nullable(),
    time_zone: z.string(),
    is_active: z.boolean(),
    created_at: timestamp(),
  })
  .meta({ id: 'Customer' });

export const Program = z.object({ id: id(), name: z.string(), description: z.string() }).meta({ id: 'Program' });

export const CustomerProgram = z
  .object({
    id: id(),
    customer_id: id().nullable(),
    program_id: id().nullable(),
    program_name: z.string().nullable(),
    time_account_id: id().nullable(),
    default_seconds_per_run: z.number().int(),
    pricing_mode: z.enum(['fixed', 'tiered']),
    price_per_second: money(),
    currency: z.string(),
    is_active: z.boolean(),
    billable_seconds_total: z.number().int().describe('Billable seconds so far (they choose the tier in tiered mode)'),
    created_at: timestamp(),
  })
  .meta({ id: 'CustomerProgram' });

export const CustomerFilter = z.object({ customer: id().optional() });

export const TimeAccount = z
  .object({
    id: id(),
    name: z.string().nullable(),
    balance_seconds: z.number().int(),
    is_active: z.boolean(),
    low_balance_threshold_seconds: z.number().int().nullable(),
    customer_ids: z.array(id()),
  })
  .meta({ id: 'TimeAccount' });

export const LedgerEntry = z
  .object({
    id: id(),
    seq: z.number().int().describe('Position in the account\'s ledger (1, 2, …)'),
    kind: z.enum(['opening', 'top_up', 'booking', 'refund', 'correction']),
    seconds: z.number().int(),
    balance_after: z.number().int(),
    note: z.string().nullable(),
    reference: z.string().nullable(),
    execution_id: id().nullable(),
    created_at: timestamp(),
  })
  .meta({ id: 'LedgerEntry' });

export const LedgerQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  before_seq: z.coerce.number().int().min(1).optional().describe('Page further back: seq of the last entry seen'),
});

export const TopUpBody = z
  .object({
    seconds: z.number().int().min(1).max(10 * 365 * 86_400),
    note: z.string().max(500).optional(),
    reference: z.string().max(200).optional(),
  })
  .meta({ id: 'TopUp' });

export const PAYMENT_STATUS = z.enum(['NOT_PAID', 'PAID', 'REFUNDED', 'REVOKED']);

export const Execution = z
  .object({
    id: id(),
    customer_id: id().nullable(),
    customer_program_id: id().nullable(),
    program_id: id().nullable(),
    program_name: z.string().nullable(),
    time_saved_seconds: z.number().int().describe('Charged seconds'),
    covered_seconds: z.number().int().describe('Drawn from the prepaid time account'),
    billable_seconds: z.number().int().describe('Priced seconds'),
    pricing_mode: z.enum(['fixed', 'tiered']),
    price_per_second: money(),
    price: money(),
    currency: z.string(),
    payment_status: PAYMENT_STATUS,
    is_open: z.boolean().describe('Still to be paid (NOT_PAID with a price)'),
    in_complaint: z.boolean(),
    created_at: timestamp(),
    updated_at: timestamp(),
  })
  .meta({ id: 'Execution' });

export const ExecutionQuery = z.object({
  customer: id().optional(),
  program: id().optional().describe('Program id'),
  customer_program: id().optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('Inclusive start (ISO-8601)'),
  to: z.iso.datetime({ offset: true }).optional().describe('Exclusive end (ISO-8601)'),
  status: list(PAYMENT_STATUS).optional().describe('Comma-separated payment statuses'),
});

export const ExecutionListQuery = ExecutionQuery.extend({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

const amounts = z.record(z.string(), money()).describe('Per currency');

export const ExecutionSums = z
  .object({
    count: z.number().int(),
    time_saved_seconds: z.number().int(),
    covered_seconds: z.number().int(),
    billable_seconds: z.number().int(),
    price: amounts.describe('Not cancelled (NOT_PAID + PAID), per currency'),
    open_price: amounts.describe('Still to be paid (NOT_PAID), per currency'),
    by_status: z.record(PAYMENT_STATUS, z.object({ count: z.number().int(), time_saved_seconds: z.number().int(), price: amounts })),
  })
  .meta({ id: 'ExecutionSums' });

export const ExecutionPage = z.object({ items: z.array(Execution), next_cursor: z.string().nullable() }).meta({ id: 'ExecutionPage' });

export const StatusChange = z.object({
  from_status: PAYMENT_STATUS,
  to_status: PAYMENT_STATUS,
  actor_user_id: id().nullable(),
  credited_seconds: z.number().int(),
  note: z.string().nullable(),
  created_at: timestamp(),
});

export const ExecutionDetails = Execution.extend({
  status_history: z.array(StatusChange).nullable().describe('null when the caller may not see payment-status changes (staff without view on them)'),
}).meta({ id: 'ExecutionDetails' });

export const BookingRequest = z
  .object({
    customer_program_id: id(),
    time_saved: z.number().int().min(0).optional().describe('Seconds; missing or 0 books the program default'),
    idempotency_key: z.string().min(1).max(255).optional(),
  })
  .meta({ id: 'BookingRequest' });

export const Booking = z
  .object({
    execution_id: id(),
    charged_seconds: z.number().int(),
    covered_seconds: z.number().int(),
    price: money(),
    currency: z.string(),
    balance_seconds: z.number().int().nullable(),
  })
  .meta({ id: 'Booking' });

export const PaymentStatusRequest = z.object({ status: PAYMENT_STATUS, note: z.string().max(500).optional() }).meta({ id: 'PaymentStatusChange' });
export const NoteRequest = z.object({ note: z.string().max(500).optional() });

export const COMPLAINT_STATUS = z.enum(['OPEN', 'IN_PROGRESS', 'ACCEPTED', 'REJECTED']);

export const Complaint = z
  .object({
    id: id(),
    execution_id: id().nullable(),
    customer_id: id().nullable(),
    author_user_id: id().nullable(),
    text: z.string(),
    status: COMPLAINT_STATUS,
    resolution_note: z.string().nullable(),
    resolved_at: timestamp().nullable(),
    created_at: timestamp(),
    updated_at: timestamp(),
  })
  .meta({ id: 'Complaint' });

export const ComplaintDetails = Complaint.extend({
  author_name: z.string().nullable(),
  execution: Execution.nullable().describe('null when there is none or the caller may not see bookings'),
  history: z
    .array(
      z.object({
        kind: z.enum(['status', 'comment']),
        at: timestamp(),
        actor_user_id: id().nullable(),
        actor_name: z.string().nullable(),
        from_status: COMPLAINT_STATUS.nullable(),
        to_status: COMPLAINT_STATUS.nullable(),
        text: z.string().nullable(),
      }),
    )
    .nullable()
    .describe('null when the caller may not see complaint events and comments (staff without view on them)'),
}).meta({ id: 'ComplaintDetails' });

export const ComplaintQuery = z.object({
  customer: id().optional(),
  execution: id().optional(),
  status: list(COMPLAINT_STATUS).optional(),
  before: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const ComplaintCreate = z.object({ execution_id: id(), text: z.string().trim().min(1).max(5000) }).meta({ id: 'ComplaintCreate' });
export const CommentCreate = z.object({ text: z.string().trim().min(1).max(5000) });
export const ComplaintTransition = z
  .object({ status: z.enum(['IN_PROGRESS', 'ACCEPTED', 'REJECTED']), note: z.string().max(2000).optional() })
  .meta({ id: 'ComplaintTransition' });

export const Comment = z.object({ id: id(), complaint_id: id(), author_user_id: id().nullable(), text: z.string(), created_at: timestamp() });

export const items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
