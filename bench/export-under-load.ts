import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { bootstrap } from '../app/nadooit/bootstrap.js';
import { insertSyntheticExecutions } from '../app/nadooit_api_executions_system/testing/bulk.js';
import { apiKeyFor, bookingWorld, legacyForm, person } from '../app/nadooit_api_executions_system/testing/fixtures.js';
import type { Backend } from '../test/support/harness.js';
import { migratedDatabase, testSettings } from '../test/support/harness.js';
import { benchBackends, percentile } from './executions-setup.js';
import { defineBenchmark } from './support/registry.js';
import type { BenchRow } from './support/registry.js';
import { startAppServer } from './support/server-process.js';
import type { ServerProcess } from './support/server-process.js';

interface LoadResult {
  '2xx': number;
  non2xx: number;
  duration: number;
}
interface Instance {
  stop(): void;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: Record<string, unknown>,
  done: (error: unknown, result: LoadResult) => void,
) => Instance;

const JAN = new Date('2025-01-01T00:00:00.000Z');
const NOW = new Date('2026-01-01T00:00:00.000Z');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Downloads the export and counts its lines; rows/s from the first byte asked to the last one read. */
async function download(url: string, auth: string): Promise<{ rows: number; seconds: number }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: auth } });
  if (response.status !== 200) throw new Error(`export answered ${response.status}: ${await response.text()}`);
  let lines = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return { rows: lines - 1, seconds: (performance.now() - started) / 1000 };
}

/** GET /healthz one after another (every 20 ms) until `done()`; the answer times in ms. */
async function probeHealth(url: string, done: () => boolean): Promise<number[]> {
  const times: number[] = [];
  while (!done()) {
    const started = performance.now();
    const response = await fetch(`${url}/healthz`);
    await response.arrayBuffer();
    times.push(performance.now() - started);
    await sleep(20);
  }
  return times.sort((a, b) => a - b);
}

/** Bookings at `connections` until stopped; resolves with the answers. */
function bookings(server: ServerProcess, body: string, connections: number) {
  let instance: Instance | null = null;
  const result = new Promise<LoadResult>((resolve, reject) => {
    instance = autocannon(
      {
        url: `${server.url}/api/executions`,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        connections,
        duration: 3600,
        timeout: 30,
      },
      (error, value) => (error ? reject(error) : resolve(value)),
    );
  });
  return { stop: () => instance!.stop(), result };
}

async function benchBackend(backend: Backend, rows: number, log: (line: string) => void): Promise<BenchRow[]> {
  const settings = testSettings();
  const database = await migratedDatabase(backend, settings);
  const system = await bootstrap(settings, { migrate: true, database: database.target, queueDriver: 'inline', logger: pino({ level: 'silent' }) });
  const db = system.context.db.kysely;
  let server: ServerProcess | null = null;
  try {
    const world = await bookingWorld(db, { balanceSeconds: 2_000_000_000, defaultSeconds: 60 });
    const target = { customerId: world.customerId, customerProgramId: world.customerProgramId, programId: world.programId };
    log(`${backend}: inserting ${rows} bookings`);
    await insertSyntheticExecutions(db, target, { count: rows, from: JAN, to: NOW, batch: 1000, onProgress: (n) => n % 200_000 === 0 && log(`  ${n}`) });
    const manager = await person(db, { customerId: world.customerId, roles: { customer_program_execution_manager: [] } });
    const auth = `Bearer ${(await apiKeyFor(db, manager.userId)).secret}`;
    const url = database.target.kind === 'sqlite' ? `sqlite:${database.target.file}` : database.target.url;
    server = await startAppServer({ databaseUrl: url, dataDir: settings.dataDir });
    const exportUrl = `${server.url}/api/v1/executions/export.csv?customer=${world.customerId}`;
    const body = legacyForm(world);
    const result: BenchRow[] = [];

    const count = async () =>
      Number((await db.selectFrom('ex_executions').select((eb) => eb.fn.countAll<number>().as('n')).where('customer_id', '=', world.customerId).executeTakeFirstOrThrow()).n);
    log(`${backend}: export alone`);
    const cpu = server.cpuMs();
    const alone = await download(exportUrl, auth);
    const cpuSeconds = (server.cpuMs() - cpu) / 1000;
    result.push({
      case: `${backend}, export alone`,
      rows: alone.rows,
      'rows/s': Math.round(alone.rows / alone.seconds),
      'server CPU s': Number(cpuSeconds.toFixed(1)),
      'rows per server CPU s': Math.round(alone.rows / Math.max(0.01, cpuSeconds)),
      'load avg (1 min)': Number(loadavg()[0]!.toFixed(1)),
    });

    log(`${backend}: bookings alone (c=16, 5 s)`);
    const baseline = bookings(server, body, 16);
    await sleep(5000);
    baseline.stop();
    const base = await baseline.result;
    const baseRate = base['2xx'] / base.duration;

    log(`${backend}: export while /healthz is probed and bookings run (c=16)`);
    const atStart = await count();
    const load = bookings(server, body, 16);
    let finished = false;
    const health = probeHealth(server.url, () => finished);
    const during = await download(exportUrl, auth).finally(() => {
      finished = true;
    });
    load.stop();
    const booked = await load.result;
    const times = await health;
    result.push({
      case: `${backend}, export + /healthz + bookings c=16`,
      rows: during.rows,
      'rows at start': atStart,
      'rows/s': Math.round(during.rows / during.seconds),
      'healthz p50 ms': Number(percentile(times, 50).toFixed(1)),
      'healthz p99 ms': Number(percentile(times, 99).toFixed(1)),
      'healthz max ms': Number((times[times.length - 1] ?? 0).toFixed(1)),
      'bookings/s during': Math.round(booked['2xx'] / booked.duration),
      'bookings/s alone': Math.round(baseRate),
      'non-200': booked.non2xx + base.non2xx,
      'load avg (1 min)': Number(loadavg()[0]!.toFixed(1)),
    });
    return result;
  } finally {
    await server?.stop();
    await system.close();
    await database.drop();
  }
}

export default defineBenchmark({
  description:
    'CSV export of BENCH_EXPORT_ROWS (1,000,000) bookings from the real server (npm start): rows/s alone, then again while /healthz is ' +
    'probed every 20 ms and bots book at c=16 (healthz latency, bookings/s during vs alone). Env: BENCH_EXPORT_ROWS, BENCH_BACKENDS, TEST_DATABASE_URL',
  async run({ log }) {
    const rows = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000);
    const result: BenchRow[] = [];
    for (const backend of benchBackends()) result.push(...(await benchBackend(backend, rows, log)));
    return result;
  },
});
