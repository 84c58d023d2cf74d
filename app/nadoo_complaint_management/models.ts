import '../nadooit_api_executions_system/models.js';

export const COMPLAINT_STATUSES = ['OPEN', 'IN_PROGRESS', 'ACCEPTED', 'REJECTED'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/** A complaint about one booking, filed by one of the customer's execution managers. */
export interface ComplaintsTable {
  id: string;
  execution_id: string | null;
  /** Copied from the booking, so lists per customer need no join and scoping survives edits. */
  customer_id: string | null;
  author_user_id: string | null;
  text: string;
  status: ComplaintStatus;
  resolution_note: string | null;
  resolved_by_user_id: string | null;
  resolved_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ComplaintCommentsTable {
  id: string;
  complaint_id: string;
  author_user_id: string | null;
  text: string;
  created_at: string;
}

/** The status history of a complaint (from_status null = filed). */
export interface ComplaintEventsTable {
  id: string;
  complaint_id: string;
  actor_user_id: string | null;
  from_status: ComplaintStatus | null;
  to_status: ComplaintStatus;
  note: string | null;
  created_at: string;
}

declare module '../core/db/schema.js' {
  interface Database {
    cm_complaints: ComplaintsTable;
    cm_complaint_comments: ComplaintCommentsTable;
    cm_complaint_events: ComplaintEventsTable;
  }
}
