import type { AddressInfo } from 'node:net';
import { buildApp } from '../app/nadooit/server.js';
import { verifyLedger } from '../app/nadooit_time_account/ledger.js';
import { bookingWorld, legacyForm } from '../app/nadooit_api_executions_system/testing/fixtures.js';
import type { Backend } from '../test/support/harness.js';
import { benchBackends, benchSystem } from './executions-setup.js';
import { defineBenchmark } from './support/registry.js';
import { autocannon, fixedAmount } from './support/load.js';

export interface BookingRow {
  [column: string]: string | number;
  case: string;
  'req/s': number;
  'p50 ms': number;
  'p99 ms': number;
  'answered 200': number;
  'non-200': number;
  errors: number;
  integrity: string;
}

const SECONDS_PER_BOOKING = 300;

/**
 * Booking throughput through real HTTP on loopback: autocannon (in a worker thread) posts the legacy form-encoded request to
 * POST /api/executions (one bot, one program, one prepaid account — the worst case for contention). After
 * every run: rows created = 200 answers, balance = start − seconds drawn, ledger = balance.
 */
export async function benchBooking(backend: Backend, options: { connections: number[]; requests: number }): Promise<BookingRow[]> {
  const bench = await benchSystem(backend, 20, { NADOOIT_API_RATE_LIMIT_PER_MINUTE: '0' });
  const db = bench.system.context.db.kysely;
  const app = await buildApp(bench.system);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  // Sized so that every request of every row books its full seconds (a drained account writes no ledger entry and inflates the rate).
  const startBalance = Math.ceil(options.connections.length * options.requests * 1.2) * SECONDS_PER_BOOKING;
  const world = await bookingWorld(db, { balanceSeconds: startBalance, defaultSeconds: SECONDS_PER_BOOKING, pricePerSecond: 10_000 });
  const rows: BookingRow[] = [];
  let okTotal = 0;
  try {
    for (const connections of options.connections) {
      const result = await autocannon({
        url: `http://127.0.0.1:${port}/api/executions`,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: legacyForm(world),
        connections,
        // A fixed number of requests, all answered before the check (a timed run cuts off requests in flight).
        ...fixedAmount(options.requests),
        // The load generator in its own thread, so it does not share the server's event loop.
        workers: 1,
        timeout: 30,
      });
      okTotal += result['2xx'];
      const created = await db.selectFrom('ex_executions').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('covered_seconds').as('covered')]).executeTakeFirstOrThrow();
      const account = await db.selectFrom('ta_time_accounts').select('balance_seconds').where('id', '=', world.timeAccountId!).executeTakeFirstOrThrow();
      const mismatches = await verifyLedger(db);
      const ok =
        Number(created.n) === okTotal && Number(account.balance_seconds) === startBalance - Number(created.covered ?? 0) && mismatches.length === 0;
      rows.push({
        case: `${backend}, ${connections} connection${connections === 1 ? '' : 's'}`,
        'req/s': Math.round(result['2xx'] / result.duration),
        'p50 ms': result.latency.p50,
        'p99 ms': result.latency.p99,
        'answered 200': result['2xx'],
        'non-200': result.non2xx,
        errors: result.errors + result.timeouts,
        integrity: ok ? `ok (${created.n} rows, balance ${account.balance_seconds})` : `MISMATCH rows=${created.n} 200s=${okTotal} balance=${account.balance_seconds}`,
      });
    }
  } finally {
    await app.close();
    await bench.close();
  }
  return rows;
}

const numbers = (value: string | undefined, fallback: number[]) => (value ? value.split(',').map(Number) : fallback);

export default defineBenchmark({
  description:
    'POST /api/executions with the legacy form body over loopback HTTP, one bot and one prepaid account (worst-case contention); ' +
    'integrity checked after every run. Env: BENCH_REQUESTS (3000 per run), BENCH_CONNECTIONS (1,10,50,100), BENCH_BACKENDS, TEST_DATABASE_URL',
  async run({ log }) {
    const rows: BookingRow[] = [];
    for (const backend of benchBackends()) {
      log(`booking on ${backend}`);
      rows.push(...(await benchBooking(backend, { connections: numbers(process.env.BENCH_CONNECTIONS, [1, 10, 50, 100]), requests: Number(process.env.BENCH_REQUESTS ?? 3000) })));
    }
    return rows;
  },
});
