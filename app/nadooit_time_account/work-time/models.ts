import { registerBooleanColumns } from '../../core/db/dialects/columns.js';

/** One stretch of work: clocked in at `started_at`, out at `ended_at` (null while still clocked in). UTC instants. */
export interface WorkTimeEntriesTable {
  id: string;
  employee_time_account_id: string;
  started_at: string;
  ended_at: string | null;
  /** Added or changed by a correction. */
  corrected: boolean;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

export type WorkTimeCorrectionAction = 'add' | 'change' | 'delete';

/** The audit trail of corrections: what an entry was before and after, why, and who corrected it. */
export interface WorkTimeCorrectionsTable {
  id: string;
  employee_time_account_id: string;
  entry_id: string;
  action: WorkTimeCorrectionAction;
  before_started_at: string | null;
  before_ended_at: string | null;
  after_started_at: string | null;
  after_ended_at: string | null;
  reason: string;
  actor_user_id: string | null;
  created_at: string;
}

declare module '../../core/db/schema.js' {
  interface Database {
    ta_work_time_entries: WorkTimeEntriesTable;
    ta_work_time_corrections: WorkTimeCorrectionsTable;
  }
}

declare module '../models.js' {
  interface EmployeeTimeAccountsTable {
    /** Contracted working time per week in seconds (migration work_time_0006); null: no target. */
    weekly_work_seconds: number | null;
  }
}

registerBooleanColumns('corrected');
