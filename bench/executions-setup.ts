import pino from 'pino';
import type { Backend, FreshDatabase } from '../test/support/harness.js';
import { freshDatabase, testSettings } from '../test/support/harness.js';
import { bootstrap } from '../app/nadooit/bootstrap.js';
import type { System } from '../app/nadooit/bootstrap.js';

/**
 * SQLite always; PostgreSQL with BENCH_DATABASE_URL, else TEST_DATABASE_URL (a fresh schema each run).
 * BENCH_BACKENDS=postgres (or sqlite) runs only those.
 */
export function benchBackends(): Backend[] {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (url) process.env.TEST_DATABASE_URL = url;
  const all: Backend[] = url ? ['sqlite', 'postgres'] : ['sqlite'];
  const only = process.env.BENCH_BACKENDS?.split(',');
  return only ? all.filter((b) => only.includes(b)) : all;
}

export interface BenchSystem {
  backend: Backend;
  system: System;
  close(): Promise<void>;
}

/** A migrated, empty database on `backend` with the whole app installed (production settings, DEBUG off). */
export async function benchSystem(backend: Backend, poolSize = 20, env: Record<string, string> = {}): Promise<BenchSystem> {
  const settings = testSettings({ ALLOWED_HOSTS: 'localhost,127.0.0.1', ...env });
  const database: FreshDatabase = await freshDatabase(backend, settings);
  const target = database.target.kind === 'postgres' ? { ...database.target, max: poolSize } : database.target;
  const system = await bootstrap(settings, { migrate: true, database: target, queueDriver: 'inline', logger: pino({ level: 'silent' }) });
  return {
    backend,
    system,
    async close() {
      await system.close();
      await database.drop();
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A Markdown table of uniform rows (for stand-alone scripts; `npm run bench` prints its own). */
export function table(rows: Array<Record<string, string | number>>): string {
  if (!rows.length) return '';
  const keys = Object.keys(rows[0]!);
  const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`;
  return [line(keys), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(keys.map((k) => String(r[k]))))].join('\n');
}
