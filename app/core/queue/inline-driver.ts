import { randomUUID } from 'node:crypto';
import type { FailedJob, JobOptions, Queue, TaskDefinition } from './types.js';

/**
 * Runs each job right away in the calling process (tests, scripts). Retries happen immediately;
 * a job that exhausts its attempts is kept in `failed()` with its last error.
 */
export class InlineQueue implements Queue {
  readonly driver = 'inline' as const;
  private readonly failures: FailedJob[] = [];
  private readonly tasks = new Map<string, TaskDefinition<any>>();

  constructor(tasks: TaskDefinition<any>[] = []) {
    for (const task of tasks) this.tasks.set(task.name, task);
  }

  register(task: TaskDefinition<any>): void {
    this.tasks.set(task.name, task);
  }

  async enqueue(name: string, payload: unknown = {}, options: JobOptions = {}): Promise<void> {
    const task = this.tasks.get(name);
    if (!task) throw new Error(`unknown task ${name}`);
    const id = randomUUID();
    const maxAttempts = options.maxAttempts ?? task.maxAttempts ?? 5;
    let lastError = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        await task.handler(payload, { jobId: id, attempt, signal: new AbortController().signal });
        return;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
    }
    this.failures.unshift({ id, name, attempts: maxAttempts, lastError });
  }

  async enqueueWithin(_tx: unknown, hooks: { afterCommit(cb: () => unknown): void }, name: string, payload?: unknown, options?: JobOptions) {
    hooks.afterCommit(() => this.enqueue(name, payload, options));
  }

  async failed(limit = 50): Promise<FailedJob[]> {
    return this.failures.slice(0, limit);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
