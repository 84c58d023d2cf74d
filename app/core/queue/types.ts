import type { TransactionHooks, Tx } from '../db/transaction.js';

export interface JobOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** At most one job with this key exists at a time (also de-duplicates scheduled runs). */
  uniqueKey?: string;
  /** Attempts before the job is marked failed (default from the task, else 5). */
  maxAttempts?: number;
}

export interface TaskContext {
  jobId: string;
  attempt: number;
  /** Aborted when the worker shuts down; long tasks should stop early and let the job run again. */
  signal: AbortSignal;
}

export interface TaskDefinition<P = unknown> {
  name: string;
  handler(payload: P, context: TaskContext): Promise<void>;
  maxAttempts?: number;
}

export interface ScheduleDefinition {
  task: string;
  everyMs: number;
  payload?: unknown;
}

export interface FailedJob {
  id: string;
  name: string;
  attempts: number;
  lastError: string | null;
}

export interface Queue {
  readonly driver: 'db' | 'redis' | 'inline';
  /** Enqueues now (outside any transaction). */
  enqueue(name: string, payload?: unknown, options?: JobOptions): Promise<void>;
  /**
   * Enqueues as part of a transaction: the db driver writes the job in the same transaction; the others
   * enqueue after commit. Either way a rolled-back transaction never leaves a job behind.
   */
  enqueueWithin(tx: Tx, hooks: TransactionHooks, name: string, payload?: unknown, options?: JobOptions): Promise<void>;
  /** Jobs that exhausted their attempts, newest first. */
  failed(limit?: number): Promise<FailedJob[]>;
  /** Reachability for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface Worker {
  stop(): Promise<void>;
}
