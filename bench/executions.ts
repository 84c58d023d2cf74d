import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchBooking } from './executions-booking.js';
import type { BookingRow } from './executions-booking.js';
import { benchList } from './executions-list.js';
import type { ListRow } from './executions-list.js';
import { benchBackends, table } from './executions-setup.js';

/**
 * `node --import tsx bench/executions.ts [booking|list]` — booking throughput over HTTP and the cost of
 * lists and sums as the table grows. Env: BENCH_REQUESTS (3000 per run), BENCH_CONNECTIONS (1,10,50,100),
 * BENCH_SIZES (10000,100000,1000000), BENCH_DATABASE_URL or TEST_DATABASE_URL for PostgreSQL.
 */
const numbers = (value: string | undefined, fallback: number[]) => (value ? value.split(',').map(Number) : fallback);

export async function runExecutionBenchmarks(which: Array<'booking' | 'list'>, log: (line: string) => void = console.log) {
  const backends = benchBackends();
  const booking: BookingRow[] = [];
  const list: ListRow[] = [];
  for (const backend of backends) {
    if (which.includes('booking')) {
      log(`booking throughput on ${backend} …`);
      booking.push(...(await benchBooking(backend, { connections: numbers(process.env.BENCH_CONNECTIONS, [1, 10, 50, 100]), requests: Number(process.env.BENCH_REQUESTS ?? 3000) })));
    }
    if (which.includes('list')) {
      log(`list and sums on ${backend} …`);
      list.push(...(await benchList(backend, { sizes: numbers(process.env.BENCH_SIZES, [10_000, 100_000, 1_000_000]), runs: 20, log })));
    }
  }
  return { booking, list };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = process.argv[2];
  const which: Array<'booking' | 'list'> = arg === 'booking' || arg === 'list' ? [arg] : ['booking', 'list'];
  const results = await runExecutionBenchmarks(which);
  if (results.booking.length) console.log(`\nPOST /api/executions (legacy form), loopback HTTP, autocannon\n${table(results.booking)}`);
  if (results.list.length) console.log(`\nOne customer's bookings (10 000 of them) while the table grows\n${table(results.list)}`);
  const dir = path.resolve(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `executions-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), node: process.version, ...results }, null, 2));
  console.log(`\nwritten ${path.relative(process.cwd(), file)}`);
  process.exit(0);
}
