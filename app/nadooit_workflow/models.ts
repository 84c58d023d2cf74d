/** A process of a customer (the original's nadooit_workflow.Process): which programs it uses, what starts it and what it starts. */
export interface ProcessesTable {
  id: string;
  customer_id: string;
  name: string;
  description: string;
  /** The process that starts this one (the original's `trigger_process`). */
  trigger_process_id: string | null;
  created_at: string;
  updated_at: string;
}

/** The programs a process uses (the original's `list_of_nadooit_programs`). */
export interface ProcessProgramsTable {
  process_id: string;
  program_id: string;
}

/** Processes a process starts (the original's `tiggers_process`), as directed edges. */
export interface ProcessTriggersTable {
  process_id: string;
  triggered_process_id: string;
}

/**
 * The history of state-machine transitions (state-machine.ts) of machines that keep no history table of
 * their own: which subject moved from which state to which, by whom, when. `from_state` null = created.
 */
export interface WorkflowTransitionsTable {
  id: string;
  machine: string;
  subject_id: string;
  event: string;
  from_state: string | null;
  to_state: string;
  actor_user_id: string | null;
  note: string | null;
  created_at: string;
}

declare module '../core/db/schema.js' {
  interface Database {
    wf_processes: ProcessesTable;
    wf_process_programs: ProcessProgramsTable;
    wf_process_triggers: ProcessTriggersTable;
    wf_transitions: WorkflowTransitionsTable;
  }
}
