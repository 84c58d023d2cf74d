import { registerBooleanColumns } from '../core/db/dialects/columns.js';
import type { PricingMode } from '../nadooit_program_ownership_system/models.js';
import '../nadooit_program_ownership_system/models.js';
import '../nadooit_time_account/models.js';
import '../nadooit_api_key/models.js';

export const PAYMENT_STATUSES = ['NOT_PAID', 'PAID', 'REFUNDED', 'REVOKED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * One recorded run of a customer's program = one booking. Seconds and money are frozen at booking time:
 * `time_saved_seconds` = charged seconds, of which `covered_seconds` were drawn from the prepaid time
 * account and `billable_seconds` were priced. customer_id and program_id are copied from the customer
 * program so lists and sums per customer need no join and survive later edits of the program.
 */
export interface ExecutionsTable {
  id: string;
  customer_program_id: string | null;
  customer_id: string | null;
  program_id: string | null;
  /** The account the covered seconds were drawn from (refunds go back there). */
  time_account_id: string | null;
  /** The key owner who booked (null for imported or demo rows without one). */
  user_id: string | null;
  api_key_id: string | null;
  time_saved_seconds: number;
  covered_seconds: number;
  billable_seconds: number;
  pricing_mode: PricingMode;
  /** Micro-units per second used for the price (tiered: the tier's hourly price / 3600, rounded). */
  price_per_second: number;
  /** Tiered mode: the hourly price of the tier that applied, in micro-units. */
  tier_price_per_hour: number | null;
  /** Micro-units of `currency`. */
  price: number;
  currency: string;
  payment_status: PaymentStatus;
  /** Balance of the time account right after this booking (null without an account). */
  balance_after_seconds: number | null;
  /** While a complaint about this booking is open (OPEN or IN_PROGRESS). */
  in_complaint: boolean;
  idempotency_key: string | null;
  /** SHA-256 of what was asked for, so a reused key with another request is refused. */
  idempotency_fingerprint: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * Tier table of the tiered pricing mode: from `from_seconds` cumulative billable seconds of a customer
 * program on, uncovered seconds cost `price_per_hour` micro-units per hour (in the program's currency).
 * Rows with customer_program_id null are the default table; a program with rows of its own uses only those.
 */
export interface PriceTiersTable {
  id: string;
  customer_program_id: string | null;
  from_seconds: number;
  price_per_hour: number;
  created_at: string;
  updated_at: string;
}

/** Running totals per customer program, updated in the booking transaction (the tier lookup is O(1)). */
export interface CustomerProgramCountersTable {
  customer_program_id: string;
  /** Billable seconds of bookings that still count (not revoked or refunded). */
  billable_seconds: number;
  executions: number;
  updated_at: string;
}

declare module '../core/db/schema.js' {
  interface Database {
    ex_executions: ExecutionsTable;
    ex_price_tiers: PriceTiersTable;
    ex_customer_program_counters: CustomerProgramCountersTable;
  }
}

registerBooleanColumns('in_complaint');

/** Every payment-status change of a booking: who, from what, to what, why, when. */
export interface ExecutionStatusChangesTable {
  id: string;
  execution_id: string;
  from_status: PaymentStatus;
  to_status: PaymentStatus;
  actor_user_id: string | null;
  /** Seconds credited back to the time account with this change. */
  credited_seconds: number;
  note: string | null;
  created_at: string;
}

declare module '../core/db/schema.js' {
  interface Database {
    ex_execution_status_changes: ExecutionStatusChangesTable;
  }
}
