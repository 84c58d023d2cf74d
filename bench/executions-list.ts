import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { DB } from '../app/core/db/connection.js';
import { createCustomer } from '../app/nadooit_crm/services.js';
import { createProgram } from '../app/nadooit_program/services.js';
import { createCustomerProgram } from '../app/nadooit_program_ownership_system/services.js';
import { listExecutions, sumExecutions } from '../app/nadooit_api_executions_system/services/index.js';
import { insertSyntheticExecutions } from '../app/nadooit_api_executions_system/testing/bulk.js';
import type { BulkTarget } from '../app/nadooit_api_executions_system/testing/bulk.js';
import type { Backend } from '../test/support/harness.js';
import { benchBackends, benchSystem, percentile } from './executions-setup.js';
import { defineBenchmark } from './support/registry.js';

export interface ListRow {
  [column: string]: string | number;
  case: string;
  'first page ms': number;
  'page 100 ms': number;
  'month sums ms': number;
  'year sums ms': number;
}

const SYSTEM = { actorUserId: null, asStaff: true } as const;
const YEAR_MS = 365 * 86_400_000;
/** The measured customer always has this many bookings over the last year; the others fill the table. */
const MEASURED_ROWS = 10_000;
const OTHER_CUSTOMERS = 99;

async function target(db: DB, name: string): Promise<BulkTarget> {
  const customer = await createCustomer(db, { name });
  const program = await createProgram(db, { name: `Programm ${name}`, description: 'Benchmark' });
  const cp = await createCustomerProgram(db, { ...SYSTEM, customerId: customer.id, programId: program.id });
  return { customerId: customer.id, customerProgramId: cp.id, programId: program.id };
}

/** Median and p95 of `runs` timed calls, in milliseconds. */
async function time(runs: number, work: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const started = performance.now();
    await work();
    if (i >= 2) samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return Math.round(percentile(samples, 50) * 100) / 100;
}

/**
 * Cost of one customer's bookings list (first page; page 100 by cursor) and sums (this month; the whole
 * year) while the table grows to each size in `sizes`: the customer's own rows stay the same, the rest
 * belongs to 99 other customers. Flat figures = the indexes do their job.
 */
export async function benchList(backend: Backend, options: { sizes: number[]; runs: number; log?: (line: string) => void }): Promise<ListRow[]> {
  const bench = await benchSystem(backend);
  const db = bench.system.context.db.kysely;
  const rows: ListRow[] = [];
  try {
    const now = new Date();
    const yearAgo = new Date(now.getTime() - YEAR_MS);
    const measured = await target(db, 'Gemessener Kunde');
    await insertSyntheticExecutions(db, measured, { count: MEASURED_ROWS, from: yearAgo, to: now, batch: 2000 });
    const others: BulkTarget[] = [];
    for (let i = 0; i < OTHER_CUSTOMERS; i++) others.push(await target(db, `Kunde ${i + 1}`));
    let stored = MEASURED_ROWS;
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
    const scope = { customerIds: [measured.customerId] };
    for (const size of options.sizes) {
      const missing = size - stored;
      for (let i = 0; i < others.length && missing > 0; i++) {
        const share = Math.floor(missing / others.length) + (i < missing % others.length ? 1 : 0);
        if (share) await insertSyntheticExecutions(db, others[i]!, { count: share, from: yearAgo, to: now, batch: 2000 });
      }
      stored = Math.max(stored, size);
      options.log?.(`  ${backend}: ${stored} rows stored, measuring`);
      // After a bulk load, as autovacuum would do soon: statistics, and the visibility map for index-only scans.
      if (backend === 'postgres') await sql`vacuum analyze ex_executions`.execute(db);
      let cursor: string | null = null;
      for (let page = 1; page < 100; page++) cursor = (await listExecutions(db, scope, { limit: 50, cursor })).nextCursor;
      const deepCursor = cursor;
      rows.push({
        case: `${backend}, ${stored.toLocaleString('en-US')} stored`,
        'first page ms': await time(options.runs, () => listExecutions(db, scope, { limit: 50 })),
        'page 100 ms': await time(options.runs, () => listExecutions(db, scope, { limit: 50, cursor: deepCursor })),
        'month sums ms': await time(options.runs, () => sumExecutions(db, { ...scope, from: monthStart })),
        'year sums ms': await time(options.runs, () => sumExecutions(db, { ...scope, from: yearAgo.toISOString() })),
      });
    }
  } finally {
    await bench.close();
  }
  return rows;
}

export default defineBenchmark({
  description:
    "One customer's bookings list (first page, page 100 by cursor) and sums (this month, whole year) — 10 000 of its own rows " +
    'while the table grows to 10k/100k/1M (medians of 20 runs). Env: BENCH_SIZES, BENCH_BACKENDS, TEST_DATABASE_URL',
  async run({ log }) {
    const sizes = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : [10_000, 100_000, 1_000_000];
    const rows: ListRow[] = [];
    for (const backend of benchBackends()) rows.push(...(await benchList(backend, { sizes, runs: 20, log })));
    return rows;
  },
});
