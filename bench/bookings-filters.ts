import { sql } from 'kysely';
import { setClock } from '../app/core/time/clock.js';
import type { Tx } from '../app/core/db/transaction.js';
import { listExecutions } from '../app/nadooit_api_executions_system/services/queries.js';
import { insertSyntheticExecutions } from '../app/nadooit_api_executions_system/testing/bulk.js';
import { bookingWorld } from '../app/nadooit_api_executions_system/testing/fixtures.js';
import { createProgram } from '../app/nadooit_program/services.js';
import { createCustomerProgram } from '../app/nadooit_program_ownership_system/services.js';
import { DEFAULT_QUERY } from '../app/nadooit_os/booking-query.js';
import type { BookingQuery } from '../app/nadooit_os/booking-query.js';
import { bookingBlock } from '../app/nadooit_os/bookings.js';
import { monthComparison } from '../app/nadooit_os/month-comparison.js';
import { benchBackends, benchSystem, percentile } from './executions-setup.js';
import { defineBenchmark } from './support/registry.js';
import type { BenchRow } from './support/registry.js';

/**
 * The bookings page's filters on one customer with BOOKINGS bookings over a year (two programs, statuses
 * mixed as insertSyntheticExecutions makes them) and a second customer of the same size: the median time to assemble one block (list of 50, sums,
 * chart) per filter, and the start page's month comparison. Each figure is also given relative to the
 * unfiltered "this month" block of the same run (the machine is shared, so compare within a run).
 */
const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 100_000);
const NOW = new Date('2025-06-18T10:00:00.000Z');
const ROUNDS = 15;

const YEAR_AGO = new Date(NOW.getTime() - 365 * 86_400_000);

/** Two thirds of the bookings on the first program, one third on the second, spread over the last year. */
async function seed(db: Tx, customerId: string, programs: Array<{ customerProgramId: string; programId: string }>): Promise<void> {
  const shares = [Math.ceil((BOOKINGS * 2) / 3), Math.floor(BOOKINGS / 3)];
  for (const [i, program] of programs.entries()) {
    await insertSyntheticExecutions(db, { customerId, ...program }, { count: shares[i]!, from: YEAR_AGO, to: NOW, batch: 2000 });
  }
}

async function median(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return percentile(times.sort((a, b) => a - b), 50);
}

export default defineBenchmark({
  description: `bookings page filters on ${BOOKINGS} bookings of one customer: time per block, relative to "this month"`,
  async run(context) {
    const rows: BenchRow[] = [];
    setClock(NOW);
    try {
      for (const backend of benchBackends()) {
        const bench = await benchSystem(backend);
        const db = bench.system.context.db.kysely;
        try {
          const a = await bookingWorld(db, { customerName: 'A', withTimeAccount: false });
          const other = await createProgram(db, { name: 'Zweites Programm', description: 'Bench' });
          const cp = await createCustomerProgram(db, { actorUserId: null, asStaff: true, customerId: a.customerId, programId: other.id });
          context.log(`${backend}: seeding ${BOOKINGS} bookings`);
          await seed(db, a.customerId, [a, { customerProgramId: cp.id, programId: other.id }]);
          const b = await bookingWorld(db, { customerName: 'B', withTimeAccount: false });
          await seed(db, b.customerId, [b, b]);
          const { items } = await listExecutions(db, { customerIds: [a.customerId] }, { limit: 1 });
          const someId = items[0]!.id;
          // As autovacuum would have by now: statistics and the visibility map (index-only scans) on PostgreSQL.
          if (backend === 'postgres') await sql`VACUUM ANALYZE ex_executions`.execute(db);
          else await sql`ANALYZE`.execute(db);
          const customer = { id: a.customerId, name: 'A', time_zone: 'Europe/Berlin' };
          const q = (query: Partial<BookingQuery>) => ({ ...DEFAULT_QUERY, ...query });
          const cases: Array<[string, () => Promise<unknown>]> = [
            ['this month (default)', () => bookingBlock(db, customer, q({}), { now: NOW })],
            ['range 2 months', () => bookingBlock(db, customer, q({ from: '2025-04-01', to: '2025-05-31' }), { now: NOW })],
            ['range 1 year (12 month bars)', () => bookingBlock(db, customer, q({ from: '2024-06-19', to: '2025-06-18' }), { now: NOW })],
            ['this month + program', () => bookingBlock(db, customer, q({ programId: other.id }), { now: NOW })],
            ['this month + status REVOKED', () => bookingBlock(db, customer, q({ status: 'REVOKED' }), { now: NOW })],
            ['this year + id prefix (8 chars)', () => bookingBlock(db, customer, q({ filter: 'thisyear', q: someId.slice(0, 8) }), { now: NOW })],
            ['start page month comparison', () => monthComparison(db, customer, NOW)],
          ];
          let base = 0;
          for (const [name, run] of cases) {
            const ms = await median(run);
            if (!base) base = ms;
            rows.push({ case: `${backend}: ${name}`, 'median ms': Number(ms.toFixed(1)), 'vs this month': `${(ms / base).toFixed(2)}×` });
            context.log(`${backend}: ${name} ${ms.toFixed(1)} ms`);
          }
        } finally {
          await bench.close();
        }
      }
    } finally {
      setClock(null);
    }
    return rows;
  },
});
