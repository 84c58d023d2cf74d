import { registerBooleanColumns } from '../core/db/dialects/columns.js';

/**
 * The website CMS (rebuild of the original's `nadooit_website`, spec A.2). Tables are prefixed `web_`.
 * Video and File come with the video issue: `video_id` / `file_id` on sections are plain nullable ids until
 * then (no foreign key yet), so imported templates keep their `{{ video }}` / `{{ file }}` placeholders.
 */

/** The visitor categories of the original (fast/slow × engaged/not engaged); editable in the admin. */
export const DEFAULT_CATEGORIES = ['fast_and_engaged', 'fast_and_not_engaged', 'slow_and_engaged', 'slow_and_not_engaged'] as const;

/** Tracking behaviours a section can carry (A.4). `mouseenter_once` is the original's `mouseenter once`. */
export const SIGNAL_OPTION_TYPES = ['revealed', 'click', 'mouseleave', 'vote', 'mouseenter_once'] as const;
export type SignalOptionType = (typeof SIGNAL_OPTION_TYPES)[number];

/** Signal types the browser may post to /signal/<session>/<section>/<type>/. */
export const SIGNAL_TYPES = ['revealed', 'mouseenter_once', 'click', 'mouseleave', 'upvote', 'downvote'] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

export interface WebCategoriesTable {
  id: string;
  name: string;
  created_at: string;
}

export interface WebSignalOptionsTable {
  id: string;
  signal_type: SignalOptionType;
  created_at: string;
}

export interface WebSectionsTable {
  id: string;
  name: string;
  html: string;
  /** The video embedded at `{{ video }}` (Video model not built yet: a plain id). */
  video_id: string | null;
  /** The download offered at `{{ file }}` (File model not built yet: a plain id). */
  file_id: string | null;
  /** The original's `greeting_sction`: a section meant to open a page. */
  is_greeting: boolean;
  /** Content hash at the last template import/export (see services/sync.ts). */
  synced_hash: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebSectionCategoriesTable {
  id: string;
  section_id: string;
  category_id: string;
}

export interface WebSectionSignalOptionsTable {
  id: string;
  section_id: string;
  signal_option_id: string;
}

export interface WebPluginsTable {
  id: string;
  name: string;
  html: string;
  synced_hash: string | null;
  /** A template file's id that is not a UUID (the original's integer plugin ids). */
  source_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebSectionOrdersTable {
  id: string;
  name: string;
  /** Candidates for new visitors (chooseOrder picks among the active orders). */
  is_active: boolean;
  /**
   * Set on orders the system makes itself, unique: `builtin:welcome` for the fresh-install page, and
   * `extends:<section ids>|<plugin ids>` for orders recorded by endless scroll (so they are never duplicated).
   */
  system_key: string | null;
  /** The order an endless-scroll order grew from. */
  parent_order_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebOrderSectionsTable {
  id: string;
  order_id: string;
  section_id: string;
  position: number;
}

export interface WebOrderPluginsTable {
  id: string;
  order_id: string;
  plugin_id: string;
  position: number;
}

export interface WebSectionScoresTable {
  id: string;
  section_id: string;
  score: number;
  /** 0 = control, 1 = experimental (as in the original). */
  experiment_group: number;
}

export interface WebVisitsTable {
  id: string;
  site: string;
  visit_date: string;
}

export interface WebExperimentGroupsTable {
  id: string;
  name: string;
  section_order_id: string | null;
  successful_sessions: number;
  total_sessions: number;
}

export interface WebSessionsTable {
  id: string;
  order_id: string;
  visit_id: string | null;
  started_at: string;
  duration_seconds: number;
  total_interaction_ms: number;
  score: number;
  is_bot: boolean;
  experiment_group_id: string | null;
  /** The original's speed category (`fast`/`slow`). */
  category: string;
  variant: string;
  /** The probability with which chooseOrder() picked this order, in millionths (1 000 000 = certain). */
  assignment_ppm: number;
  /** HMAC-SHA256 of the client address under SECRET_KEY; the address itself is never stored. */
  ip_hash: string | null;
}

export interface WebSessionSignalsTable {
  id: string;
  session_id: string;
  section_id: string;
  signal_type: string;
  /** `<session>:<section>:<type>` for signals that count once; unique, so a replay cannot write. */
  once_key: string | null;
  created_at: string;
}

export interface WebSessionVotesTable {
  id: string;
  session_id: string;
  section_id: string;
  /** +1 up, -1 down. */
  vote: number;
  updated_at: string;
}

export interface WebSessionShownSectionsTable {
  id: string;
  session_id: string;
  section_id: string;
  created_at: string;
}

/** Kept from the original (plain ids, not foreign keys); nothing writes it yet. */
export interface WebSectionTransitionsTable {
  id: string;
  section_1_id: string;
  section_2_id: string;
  transition_percentage: number;
}

/** An editable content page at /<slug> (Impressum, Datenschutz); HTML in the section template language. */
export interface WebPagesTable {
  id: string;
  slug: string;
  title: string;
  html: string;
  created_at: string;
  updated_at: string;
}

declare module '../core/db/schema.js' {
  interface Database {
    web_categories: WebCategoriesTable;
    web_signal_options: WebSignalOptionsTable;
    web_sections: WebSectionsTable;
    web_section_categories: WebSectionCategoriesTable;
    web_section_signal_options: WebSectionSignalOptionsTable;
    web_plugins: WebPluginsTable;
    web_section_orders: WebSectionOrdersTable;
    web_order_sections: WebOrderSectionsTable;
    web_order_plugins: WebOrderPluginsTable;
    web_section_scores: WebSectionScoresTable;
    web_visits: WebVisitsTable;
    web_experiment_groups: WebExperimentGroupsTable;
    web_sessions: WebSessionsTable;
    web_session_signals: WebSessionSignalsTable;
    web_session_votes: WebSessionVotesTable;
    web_session_shown_sections: WebSessionShownSectionsTable;
    web_section_transitions: WebSectionTransitionsTable;
    web_pages: WebPagesTable;
  }
}
registerBooleanColumns('is_greeting', 'is_active', 'is_bot');
