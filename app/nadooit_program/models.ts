export interface ProgramsTable {
  id: string;
  name: string;
  description: string;
  /** Free text, as in the original. */
  program_dependencies: string;
  created_at: string;
  updated_at: string;
}

declare module '../core/db/schema.js' {
  interface Database {
    program_programs: ProgramsTable;
  }
}
