import pino from 'pino';
import { bootstrap } from '../app/nadooit/bootstrap.js';
import { verifyLedger } from '../app/nadooit_time_account/ledger.js';
import { bookingWorld, legacyForm } from '../app/nadooit_api_executions_system/testing/fixtures.js';
import type { BookingWorld } from '../app/nadooit_api_executions_system/testing/fixtures.js';
import type { Backend } from '../test/support/harness.js';
import { migratedDatabase, testSettings } from '../test/support/harness.js';
import { benchBackends } from './executions-setup.js';
import { defineBenchmark } from './support/registry.js';
import type { BenchRow } from './support/registry.js';
import { postgresCpuSince, postgresCpuSnapshot, startAppServer } from './support/server-process.js';
import { ceilingDatabase, ceilingIntegrity, startCeilingServer } from './support/ceiling.js';
import type { ServerProcess } from './support/server-process.js';
import { median } from './support/stats.js';
import { addRun, answeredText, closedLoop, matches, openLoop, requestsBound, settled } from './support/load.js';
import type { Answered, ClosedLoopRun } from './support/load.js';

const SECONDS_PER_BOOKING = 300;
const WARMUP_REQUESTS = 1000; // the program's default: every request books this much
const numbers = (value: string | undefined, fallback: number[]) => (value ? value.split(',').map(Number) : fallback);

interface Plan {
  connections: number[];
  /** autocannon: requests per closed-loop run (at least 20 per connection, so every connection is busy for a while). */
  requests: (connections: number) => number;
  /** wrk: seconds per closed-loop run. */
  seconds: number;
  /** Open loop: this rate offered for `openSeconds` at 64 connections, 0 = off. */
  openRate: number;
  openSeconds: number;
  /** Closed-loop runs per case, interleaved across the three servers; the table shows the median. */
  rounds: number;
}

function planFromEnv(seconds: number): Plan {
  const base = Number(process.env.BENCH_REQUESTS ?? 4000);
  return {
    connections: numbers(process.env.BENCH_CONNECTIONS, [1, 16, 64, 256]),
    requests: (c) => Math.max(base, c * 20),
    seconds,
    openRate: Number(process.env.BENCH_OPEN_RATE ?? 1500),
    openSeconds: Number(process.env.BENCH_OPEN_SECONDS ?? 4),
    rounds: Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3)),
  };
}

/** Every request of the whole run books its full seconds from the prepaid account (plus a margin). */
function startBalance(plan: Plan): number {
  const perRun = (c: number) => requestsBound({ amount: plan.requests(c), seconds: plan.seconds });
  const total = WARMUP_REQUESTS + plan.rounds * plan.connections.reduce((sum, c) => sum + perRun(c), 0) + plan.openRate * plan.openSeconds * 2;
  return Math.ceil(total * 1.5) * SECONDS_PER_BOOKING;
}

interface Target {
  name: string;
  server: ServerProcess;
  /** Integrity after a run given the 200 answers so far: a short verdict, `ok …` when everything agrees. */
  check(answered: Answered): Promise<string>;
  close(): Promise<void>;
}

/** The project itself, started with `npm start`'s command line on a migrated database holding one bot's world. */
async function ourServer(backend: Backend, balance: number): Promise<Target & { world: BookingWorld }> {
  const settings = testSettings();
  const database = await migratedDatabase(backend, settings);
  const system = await bootstrap(settings, { migrate: true, database: database.target, queueDriver: 'inline', logger: pino({ level: 'silent' }) });
  const db = system.context.db.kysely;
  const world = await bookingWorld(db, { balanceSeconds: balance, defaultSeconds: SECONDS_PER_BOOKING, pricePerSecond: 10_000 });
  const url = database.target.kind === 'sqlite' ? `sqlite:${database.target.file}` : database.target.url;
  const server = await startAppServer({ databaseUrl: url, dataDir: settings.dataDir, compiled: true });
  return {
    name: 'NADOO-IT (npm start)',
    server,
    world,
    async check(answered) {
      await settled(answered, async () => Number((await db.selectFrom('ex_executions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n));
      const executions = await db
        .selectFrom('ex_executions')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('covered_seconds').as('covered')])
        .executeTakeFirstOrThrow();
      const entries = await db
        .selectFrom('ta_ledger_entries')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('seq').as('maxSeq')])
        .where('time_account_id', '=', world.timeAccountId!)
        .executeTakeFirstOrThrow();
      const bookings = await db
        .selectFrom('ta_ledger_entries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('time_account_id', '=', world.timeAccountId!)
        .where('kind', '=', 'booking')
        .executeTakeFirstOrThrow();
      const account = await db.selectFrom('ta_time_accounts').select('balance_seconds').where('id', '=', world.timeAccountId!).executeTakeFirstOrThrow();
      const mismatches = await verifyLedger(db);
      const rows = Number(executions.n);
      const drawn = Number(executions.covered ?? 0);
      const problems = [
        !matches(rows, answered) && `${rows} rows for ${answeredText(answered)} answers`,
        Number(bookings.n) !== rows && `${bookings.n} ledger bookings for ${rows} rows`,
        drawn !== rows * SECONDS_PER_BOOKING && `only ${drawn} s drawn (account ran dry?)`,
        Number(account.balance_seconds) !== balance - drawn && `balance ${account.balance_seconds} ≠ ${balance} − ${drawn}`,
        Number(entries.maxSeq) !== Number(entries.n) && `seq has gaps (max ${entries.maxSeq}, ${entries.n} entries)`,
        mismatches.length > 0 && 'check_ledger found mismatches',
      ].filter(Boolean);
      return problems.length ? `MISMATCH: ${problems.join('; ')}` : `ok (${rows} rows = entries, balance ${account.balance_seconds})`;
    },
    async close() {
      await server.stop();
      await system.close();
      await database.drop();
    },
  };
}

/** The minimal group-commit server or bare Fastify (bench/booking-ceiling-server.ts) on its own database. */
async function ceilingServer(kind: 'group' | 'bare', backend: Backend, key: string, balance: number): Promise<Target> {
  const database = ceilingDatabase(backend);
  const options = { kind, key, balance, secondsPerBooking: SECONDS_PER_BOOKING };
  const server = await startCeilingServer(database, options);
  return {
    name: kind === 'group' ? 'minimal group commit' : 'bare Fastify',
    server,
    check: async (answered) => (kind === 'bare' ? '(no data)' : ceilingIntegrity(server, answered, options)),
    async close() {
      await server.stop();
      await database.drop();
    },
  };
}

interface Measured {
  result: ClosedLoopRun;
  cpuMs: number;
  pgCpuMs: number;
}

type LoadOptions = { connections: number; amount: number; seconds: number } | { connections: number; rate: number; seconds: number };
const FORM = 'application/x-www-form-urlencoded';

async function load(target: Target, body: string, options: LoadOptions): Promise<Measured> {
  const cpu = target.server.cpuMs();
  const pgCpu = postgresCpuSnapshot();
  const url = `${target.server.url}/api/executions`;
  const result = 'rate' in options ? await openLoop({ url, body, contentType: FORM, ...options }) : await closedLoop({ url, body, contentType: FORM, ...options });
  return { result, cpuMs: target.server.cpuMs() - cpu, pgCpuMs: postgresCpuSince(pgCpu) };
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const rate = (row: BenchRow) => Number(row['req/s']);

/**
 * The round with the median rate, with the median p50 and p99 of all rounds (one round's tail says little)
 * and the spread of rates and p99s beside them; integrity as of the last round, or the first that failed.
 */
function medianRow(runs: BenchRow[]): BenchRow {
  if (runs.length === 1) return runs[0]!;
  const rates = runs.map(rate);
  const p99s = runs.map((run) => Number(run['p99 ms']));
  const row = runs.find((run) => rate(run) === median(rates))!;
  const integrity = (runs.find((run) => /MISMATCH|FAIL/.test(String(run.integrity))) ?? runs.at(-1)!).integrity;
  return {
    ...row,
    'p50 ms': median(runs.map((run) => Number(run['p50 ms']))),
    'p99 ms': median(p99s),
    integrity,
    'req/s of rounds': `${Math.min(...rates)}–${Math.max(...rates)}`,
    'p99 ms of rounds': `${Math.min(...p99s)}–${Math.max(...p99s)}`,
  };
}

async function benchBackend(backend: Backend, plan: Plan, log: (line: string) => void): Promise<BenchRow[]> {
  const balance = startBalance(plan);
  const ours = await ourServer(backend, balance);
  const body = legacyForm(ours.world);
  const targets: Target[] = [ours];
  try {
    targets.push(await ceilingServer('group', backend, ours.world.key.secret, balance));
    targets.push(await ceilingServer('bare', backend, ours.world.key.secret, balance));
    const answered = new Map<Target, Answered>(targets.map((t) => [t, { ok: 0, unanswered: 0 }]));
    const count = (target: Target, run: ClosedLoopRun) => answered.set(target, addRun(answered.get(target)!, run));
    // Warm-up (JIT, statement caches, first pages in memory), counted for the integrity checks but not shown.
    for (const target of targets) {
      log(`${backend}: warming up ${target.name}`);
      count(target, (await load(target, body, { connections: 16, amount: WARMUP_REQUESTS, seconds: 1 })).result);
    }
    const rows: BenchRow[] = [];
    const measure = async (target: Target, label: string, options: Parameters<typeof load>[2]): Promise<BenchRow> => {
      log(`${backend}: ${target.name}, ${label}`);
      const { result, cpuMs, pgCpuMs } = await load(target, body, options);
      count(target, result);
      return {
        case: `${backend}, ${label}, ${target.name}`,
        load: result.generator,
        'req/s': Math.round(result.ok / result.seconds),
        'p50 ms': round(result.p50Ms),
        'p99 ms': round(result.p99Ms),
        'server CPU ms/booking': result.ok ? round(cpuMs / result.ok, 3) : 0,
        ...(backend === 'postgres' ? { 'pg CPU ms/booking': result.ok ? round(pgCpuMs / result.ok, 3) : 0 } : {}),
        'non-200': result.non2xx,
        errors: result.errors,
        integrity: await target.check(answered.get(target)!),
      };
    };
    for (const connections of plan.connections) {
      const label = `c=${connections}`;
      const options = { connections, amount: plan.requests(connections), seconds: plan.seconds };
      // Interleaved rounds, so drifts of the machine's speed hit all three alike; each ratio is taken within one round.
      const runs: BenchRow[][] = [[], [], []];
      for (let r = 0; r < plan.rounds; r++) {
        for (const [i, target] of targets.entries()) runs[i]!.push(await measure(target, plan.rounds > 1 ? `${label}, round ${r + 1}` : label, options));
      }
      const [our, group, bare] = runs.map((targetRuns): BenchRow => ({ ...medianRow(targetRuns), case: targetRuns[0]!.case.replace(/, round 1/, '') }));
      const ratios = (ceiling: BenchRow[]) => median(runs[0]!.map((run, r) => (100 * rate(run)) / Math.max(1, rate(ceiling[r]!))));
      our!['% of group commit'] = round(ratios(runs[1]!), 1);
      our!['% of bare'] = round(ratios(runs[2]!), 1);
      rows.push(our!, group!, bare!);
    }
    if (plan.openRate > 0) {
      const row = await measure(ours, `open loop ${plan.openRate}/s offered, c=64`, { connections: 64, rate: plan.openRate, seconds: plan.openSeconds });
      row['offered/s'] = plan.openRate;
      rows.push(row);
    }
    return rows;
  } finally {
    for (const target of targets.reverse()) await target.close().catch((error: unknown) => log(`closing ${target.name}: ${String(error)}`));
  }
}

export default defineBenchmark({
  description:
    'POST /api/executions (bot form body, one bot, one prepaid account) against the real server started with `npm start`, next to a ' +
    'minimal group-commit server and bare Fastify in the same run; server CPU per booking from /proc; integrity after every run. ' +
    'Closed loop with wrk when installed (BENCH_SECONDS per run, 5), else autocannon (BENCH_REQUESTS per run, 4000); BENCH_LOAD=autocannon forces it. ' +
    'Env: BENCH_CONNECTIONS (1,16,64,256), BENCH_OPEN_RATE (1500/s, 0 = off, always autocannon), BENCH_ROUNDS (3; median rate, medians of p50 and p99), BENCH_BACKENDS, TEST_DATABASE_URL',
  async run({ log, seconds }) {
    const plan = planFromEnv(seconds);
    const rows: BenchRow[] = [];
    for (const backend of benchBackends()) rows.push(...(await benchBackend(backend, plan, log)));
    return rows;
  },
});

