import type { Generated } from 'kysely';
import { registerBooleanColumns } from '../core/db/dialects/columns.js';

/** A prepaid pool of seconds. The balance always equals the sum of its ledger entries. */
export interface TimeAccountsTable {
  id: string;
  name: string | null;
  balance_seconds: number;
  is_active: boolean;
  /** The dashboard warns when the balance falls below this (null: no warning). */
  low_balance_threshold_seconds: number | null;
  /** The `seq` of the account's newest ledger entry: kept in the row, so it is read under the row's lock. */
  last_seq: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface CustomerTimeAccountsTable {
  id: string;
  customer_id: string;
  time_account_id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface EmployeeTimeAccountsTable {
  id: string;
  time_account_id: string;
  employee_id: string;
  customer_id: string;
  created_at: string;
  updated_at: string;
}

/** The original's punch clock (used from the admin only). */
export interface WorkTimeAccountEntriesTable {
  id: string;
  employee_time_account_id: string;
  work_time: string | null;
  work_date: string | null;
  entry_type: 'IN' | 'OUT';
  created_at: string;
  updated_at: string;
}

/** `opening`: the balance an account started with (created or imported with a balance). */
export type LedgerEntryKind = 'opening' | 'top_up' | 'booking' | 'refund' | 'correction';

export interface LedgerEntriesTable {
  id: string;
  time_account_id: string;
  kind: LedgerEntryKind;
  /** Signed change of the balance: positive credits, negative debits. */
  seconds: number;
  balance_after: number;
  note: string | null;
  /** An external reference such as an order or invoice number. */
  reference: string | null;
  /** The booking this entry belongs to (debit or refund), if any. */
  execution_id: string | null;
  author_user_id: string | null;
  /** 1, 2, 3 … per account in the order the entries were written (migration 0009). */
  seq: number;
  created_at: string;
}

export const TOP_UP_REQUEST_STATUSES = ['open', 'approved', 'rejected'] as const;
export type TopUpRequestStatus = (typeof TOP_UP_REQUEST_STATUSES)[number];

/**
 * A customer's request for prepaid time on one of its time accounts (migration 0012). Staff approve it
 * (one `top_up` ledger entry, referenced here) or reject it with a reason; either decision is final.
 * `customer_id` and `time_account_id` are copied from the customer time account when the request is made.
 */
export interface TopUpRequestsTable {
  id: string;
  customer_time_account_id: string;
  customer_id: string;
  time_account_id: string;
  seconds: number;
  note: string | null;
  status: TopUpRequestStatus;
  requested_by_user_id: string | null;
  decided_by_user_id: string | null;
  decided_at: string | null;
  /** The rejection reason, or the note written to the ledger on approval. */
  decision_note: string | null;
  /** The `top_up` entry an approval wrote. */
  ledger_entry_id: string | null;
  created_at: string;
  updated_at: string;
}

declare module '../core/db/schema.js' {
  interface Database {
    ta_time_accounts: TimeAccountsTable;
    ta_customer_time_accounts: CustomerTimeAccountsTable;
    ta_employee_time_accounts: EmployeeTimeAccountsTable;
    ta_work_time_account_entries: WorkTimeAccountEntriesTable;
    ta_ledger_entries: LedgerEntriesTable;
    ta_top_up_requests: TopUpRequestsTable;
  }
}

registerBooleanColumns('is_active');
