import { registerBooleanColumns } from '../../core/db/dialects/columns.js';

/**
 * The experiment over section orders (issue 12, build item 4). Shares and probabilities are stored as
 * integers in millionths (ppm), like `assignment_ppm`, so every database stores them alike.
 */

/** What counts as a conversion: the staff choose the primary goal per experiment. */
export const CONVERSION_GOALS = ['meeting_request', 'question_asked', 'reached_end'] as const;
export type ConversionGoal = (typeof CONVERSION_GOALS)[number];
/** Shown beside the primary goal on every result (reaching the last section). */
export const SECONDARY_GOAL: ConversionGoal = 'reached_end';

export const EXPERIMENT_STATUSES = ['running', 'shipped', 'stopped'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

export interface WebExperimentsTable {
  id: string;
  name: string;
  goal: ConversionGoal;
  status: ExperimentStatus;
  /** Counted sessions every order needs before traffic moves. */
  min_sessions: number;
  /** The share (percent) every order keeps while the experiment runs. */
  floor_percent: number;
  /** The allocation chooseOrder() uses (the newest one the scheduled job wrote). */
  current_allocation_id: string | null;
  winner_order_id: string | null;
  started_at: string;
  ended_at: string | null;
  created_at: string;
  updated_at: string;
}

/** One run of the scheduled job: the shares it set, when, and what it saw. */
export interface WebExperimentAllocationsTable {
  id: string;
  experiment_id: string;
  computed_at: string;
  phase: 'burn_in' | 'bandit';
  /** The order declared best at this run (≥ 95 %), if any. */
  winner_order_id: string | null;
  /** p-value of the sample-ratio-mismatch check in ppm; null while it cannot be tested. */
  srm_p_ppm: number | null;
  srm_mismatch: boolean;
}

/** One order in one allocation: its share and the figures it was computed from. */
export interface WebExperimentArmsTable {
  id: string;
  allocation_id: string;
  order_id: string;
  share_ppm: number;
  sessions: number;
  conversions: number;
  secondary_conversions: number;
  rate_ppm: number;
  low_ppm: number;
  high_ppm: number;
  probability_best_ppm: number;
}

/** A session reached a goal (once per session and goal). */
export interface WebSessionConversionsTable {
  id: string;
  session_id: string;
  goal: ConversionGoal;
  created_at: string;
}

declare module '../models.js' {
  interface WebSessionsTable {
    /** The order chooseOrder() picked (endless scroll re-points order_id; results count by this one). */
    assigned_order_id: string | null;
    /** The allocation whose shares picked it (null: even split outside an allocation). */
    allocation_id: string | null;
  }
  interface WebSessionSignalsTable {
    /** mouseleave: the interaction time it added, in ms (null for other signals). */
    value_ms: number | null;
  }
}

declare module '../../core/db/schema.js' {
  interface Database {
    web_experiments: WebExperimentsTable;
    web_experiment_allocations: WebExperimentAllocationsTable;
    web_experiment_arms: WebExperimentArmsTable;
    web_session_conversions: WebSessionConversionsTable;
  }
}
registerBooleanColumns('srm_mismatch');
