/**
 * The typed database schema. Core declares its own tables here; every app adds its tables by module
 * augmentation in its models.ts:
 *
 *   declare module '../core/db/schema.js' { interface Database { my_table: MyTable } }
 *
 * so one Kysely<Database> type covers the whole project while core still imports no app.
 */
export interface Database {
  nadooit_migrations: { app: string; name: string; applied_at: string };
  nadooit_migration_lock: { id: number; holder: string; acquired_at: string };
  core_sessions: CoreSessionsTable;
  core_jobs: CoreJobsTable;
}

export interface CoreSessionsTable {
  id: string;
  token_hash: string;
  user_id: string | null;
  data: string;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface CoreJobsTable {
  id: string;
  queue: string;
  name: string;
  payload: string;
  unique_key: string | null;
  status: 'waiting' | 'active' | 'completed' | 'failed';
  attempts: number;
  max_attempts: number;
  run_at: string;
  locked_until: string | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}
