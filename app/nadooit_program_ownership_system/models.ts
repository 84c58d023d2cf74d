import { registerBooleanColumns } from '../core/db/dialects/columns.js';

export type PricingMode = 'fixed' | 'tiered';

/** A program licensed to a customer, with its pricing and the prepaid time account it draws from. */
export interface CustomerProgramsTable {
  id: string;
  program_id: string | null;
  customer_id: string | null;
  time_account_id: string | null;
  /** Seconds booked per run when the bot does not report its own figure. */
  program_time_saved_per_execution_in_seconds: number;
  pricing_mode: PricingMode;
  /** Price per uncovered second in micro-units of `currency` (fixed mode). */
  price_per_second: number;
  currency: string;
  /** The original's intended overdraft flag (unused there, kept for import). */
  over_charge: boolean;
  is_active: boolean;
  created_at: string;
  updated_at: string;
}

export interface ProgramSharesTable {
  id: string;
  share_of: string | null;
  created_at: string;
  updated_at: string;
}

declare module '../core/db/schema.js' {
  interface Database {
    pos_customer_programs: CustomerProgramsTable;
    pos_program_shares: ProgramSharesTable;
  }
}

registerBooleanColumns('over_charge', 'is_active');
