import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { bootstrap } from '../app/nadooit/bootstrap.js';
import { verifyLedger } from '../app/nadooit_time_account/ledger.js';
import { bookingWorld, legacyForm } from '../app/nadooit_api_executions_system/testing/fixtures.js';
import { migratedDatabase, testSettings } from '../test/support/harness.js';
import { DOMAIN, proxyEnv, renderForApps } from '../test/deploy/support.js';
import { defineBenchmark } from './support/registry.js';
import type { BenchRow } from './support/registry.js';
import { freePort, machineBusyPercentSince, machineCpuTicks, postgresCpuSince, postgresCpuSnapshot, startAppServer, startServerProcess } from './support/server-process.js';
import type { ServerProcess } from './support/server-process.js';
import { ceilingDatabase, ceilingIntegrity, startCeilingServer } from './support/ceiling.js';
import { median } from './support/stats.js';
import { cpuCap } from './support/cpu-cap.js';
import type { CpuCap } from './support/cpu-cap.js';
import { addRun, answeredText, closedLoop, matches, requestsBound, settled } from './support/load.js';
import type { Answered, ClosedLoopRun } from './support/load.js';

const SECONDS_PER_BOOKING = 60;

/**
 * nginx with the project's configuration (docker/proxy/render.sh, HTTP mode) on loopback, in a temporary
 * prefix. The app address is the one line that differs: where compose's DNS would hand nginx the addresses
 * of the scaled `app` containers, the rendered upstream block names the app processes here.
 */
async function startNginx(root: string, apps: ServerProcess[]): Promise<ServerProcess> {
  const port = await freePort();
  const conf = path.join(root, 'nginx');
  mkdirSync(path.join(root, 'www'), { recursive: true });
  // HTTP only: the HTTPS port is rendered but nothing is served there.
  const env = proxyEnv(root, { http: port, https: await freePort(), app: apps[0]!.port }, { FORCE_HTTP: '1', ACCESS_LOG: '/dev/null', ERROR_LOG: path.join(root, 'error.log') });
  renderForApps(conf, env, apps.map((app) => app.port));
  return startServerProcess(`nginx -p ${root} -c ${path.join(conf, 'nginx.conf')} -g 'daemon off;'`, { port, env: {}, readyPath: '/healthz' });
}

const FORM = 'application/x-www-form-urlencoded';

const quotaLabel = (cores: number | undefined) => (cores === undefined ? '' : `, ${cores} CPU each`);

/** Bookings through nginx, addressed to the project's server name. */
function load(url: string, body: readonly string[], connections: number, amount: number, seconds: number): Promise<ClosedLoopRun> {
  return closedLoop({ url: `${url}/api/executions`, body, contentType: FORM, host: DOMAIN, connections, amount, seconds });
}

/** Two server processes of one kind, and nginx in front of the first alone and of both (the quota is set per process, outside). */
interface Fleet {
  name: string;
  apps: ServerProcess[];
  one: ServerProcess;
  two: ServerProcess;
  /** The bookings' bodies (the minimal server knows one bot). */
  body: readonly string[];
  answered: Answered;
  /** After all runs, given their 200 answers: every 200 booked once, the ledger clean. */
  integrity(answered: Answered): Promise<string>;
}

export default defineBenchmark({
  description:
    'PostgreSQL + Redis: bookings through nginx (the project configuration from docker/proxy, HTTP mode, loopback) to one app process ' +
    'versus two app processes on the same database, alternating runs, and in the same rounds the same for two processes of the minimal ' +
    'group-commit server (bench/booking-ceiling-server.ts, each batch one statement relative to the shared account row: what two processes ' +
    'can gain on this machine) and of bare Fastify answering the same POST with a fixed body (no database: what a second process gains ' +
    'when the server does nothing but HTTP); integrity after all. Env: TEST_DATABASE_URL (required), ' +
    'TEST_REDIS_URL (redis://127.0.0.1:6379/15), BENCH_CONNECTIONS (64), BENCH_ROUNDS (2), BENCH_APP_CPUS (0.25: each round also runs ' +
    'one and two processes with that many CPUs each, through a cgroup quota; 0 = not), BENCH_ACCOUNTS (1: all bookings on one ' +
    "customer's account; 2: in turn on two customers' accounts, which share nothing; the minimal server books on one), closed loop with " +
    'wrk when installed (BENCH_SECONDS per run, 5), else autocannon (BENCH_REQUESTS per run, 6000)',
  async run({ log, seconds }) {
    if (!process.env.TEST_DATABASE_URL) throw new Error('booking-scale-out needs TEST_DATABASE_URL (PostgreSQL)');
    const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
    const amount = Number(process.env.BENCH_REQUESTS ?? 6000);
    const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
    const appCpus = Number(process.env.BENCH_APP_CPUS ?? 0.25);
    const accounts = Number(process.env.BENCH_ACCOUNTS ?? 1);
    const redis = `${(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15').split('?')[0]}?queue=scale-out-${process.pid}`;
    const settings = testSettings();
    const database = await migratedDatabase('postgres', settings);
    const system = await bootstrap(settings, { migrate: true, database: database.target, queueDriver: 'inline', logger: pino({ level: 'silent' }) });
    const db = system.context.db.kysely;
    const root = mkdtempSync(path.join(tmpdir(), 'nadooit-scale-out-'));
    const ceilingData = ceilingDatabase('postgres');
    const processes: ServerProcess[] = [];
    let caps: (CpuCap | string)[] = [];
    try {
      const runsPerRound = appCpus > 0 ? 4 : 2;
      const balance = (1000 + rounds * runsPerRound * requestsBound({ amount, seconds })) * 2 * SECONDS_PER_BOOKING;
      const worlds = [];
      for (let i = 0; i < accounts; i++) worlds.push(await bookingWorld(db, { balanceSeconds: balance, defaultSeconds: SECONDS_PER_BOOKING }));
      const env = { REDIS_URL: redis, ALLOWED_HOSTS: `${DOMAIN},localhost,127.0.0.1`, TRUST_PROXY: '1' };
      const ours: ServerProcess[] = [];
      for (let i = 0; i < 2; i++) ours.push(await startAppServer({ databaseUrl: database.target.kind === 'postgres' ? database.target.url : '', dataDir: settings.dataDir, env, compiled: true }));
      processes.push(...ours);
      const ceiling = { kind: 'group' as const, key: worlds[0]!.key.secret, balance, secondsPerBooking: SECONDS_PER_BOOKING, accountId: randomUUID(), write: 'statement' as const };
      const minimal: ServerProcess[] = [];
      for (let i = 0; i < 2; i++) minimal.push(await startCeilingServer(ceilingData, ceiling));
      processes.push(...minimal);
      const bare: ServerProcess[] = [];
      for (let i = 0; i < 2; i++) bare.push(await startCeilingServer(ceilingData, { ...ceiling, kind: 'bare' }));
      processes.push(...bare);
      const fleet = async (name: string, apps: ServerProcess[], body: string[], integrity: Fleet['integrity']): Promise<Fleet> => {
        const one = await startNginx(path.join(root, name, 'one'), apps.slice(0, 1));
        const two = await startNginx(path.join(root, name, 'two'), apps);
        processes.push(one, two);
        return { name, apps, one, two, body, answered: { ok: 0, unanswered: 0 }, integrity };
      };
      const rowCount = async () => Number((await db.selectFrom('ex_executions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const fleets: Fleet[] = [
        await fleet('ours', ours, worlds.map((world) => legacyForm(world)), async (answered) => {
          await settled(answered, rowCount);
          const rowsWritten = await rowCount();
          const mismatches = await verifyLedger(db);
          return matches(rowsWritten, answered) && mismatches.length === 0
            ? `ok (${rowsWritten} rows for ${answeredText(answered)} answers, check_ledger clean)`
            : `MISMATCH: ${rowsWritten} rows for ${answeredText(answered)} answers, ${mismatches.length} ledger mismatches`;
        }),
        await fleet('minimal', minimal, [legacyForm(worlds[0]!)], (answered) => ceilingIntegrity(minimal[0]!, answered, ceiling)),
        await fleet('bare', bare, [legacyForm(worlds[0]!)], async () => '(no data)'),
      ];
      const servers = [...ours, ...minimal, ...bare];
      caps = appCpus > 0 ? servers.map((app) => cpuCap(app.pid)) : [];
      const capped = caps.every((cap): cap is CpuCap => typeof cap !== 'string') ? caps : [];
      if (caps.length && !capped.length) log(`no capped runs: ${caps.find((cap) => typeof cap === 'string')}`);
      const capOf = new Map(capped.map((cap, i) => [servers[i]!, cap]));
      const settingsOfRun = [undefined, ...(capped.length ? [appCpus] : [])];
      for (const f of fleets) for (const proxy of [f.one, f.two]) f.answered = addRun(f.answered, await load(proxy.url, f.body, 16, 1000, 1)); // warm-up
      const rows: BenchRow[] = [];
      const rates: Record<string, number[]> = {};
      for (let round = 1; round <= rounds; round++) {
        for (const cores of settingsOfRun) {
          for (const cap of capped) cap.limit(cores);
          const limit = quotaLabel(cores);
          for (const f of fleets) {
            for (const [count, proxy, behind] of [[1, f.one, f.apps.slice(0, 1)], [2, f.two, f.apps]] as const) {
              log(`round ${round}: ${f.name}, ${count} process(es)${limit} behind nginx, c=${connections}`);
              const throttled = behind.map((app) => capOf.get(app)?.throttledMs() ?? 0);
              const cpu = behind.map((a) => a.cpuMs());
              const pg = postgresCpuSnapshot();
              const machine = machineCpuTicks();
              const result = await load(proxy.url, f.body, connections, amount, seconds);
              f.answered = addRun(f.answered, result);
              const rate = result.ok / result.seconds;
              (rates[`${f.name} ${count}${limit}`] ??= []).push(rate);
              const appCpu = behind.reduce((sum, a, i) => sum + a.cpuMs() - cpu[i]!, 0);
              rows.push({
                case: `round ${round}, ${f.name}, ${count === 1 ? '1 process' : '2 processes'}${limit}, ${f.name === 'ours' && accounts > 1 ? `${accounts} accounts` : '1 account'}, c=${connections}`,
                'req/s': Math.round(rate),
                load: result.generator,
                'p50 ms': Number(result.p50Ms.toFixed(2)),
                'p99 ms': Number(result.p99Ms.toFixed(2)),
                'app CPU ms/booking': result.ok ? Number((appCpu / result.ok).toFixed(3)) : 0,
                'pg CPU ms/booking': result.ok ? Number((postgresCpuSince(pg) / result.ok).toFixed(3)) : 0,
                'non-200': result.non2xx,
                errors: result.errors,
                'machine CPU busy %': Math.round(machineBusyPercentSince(machine)),
                'app CPU throttled ms': Math.round(behind.reduce((sum, app, i) => sum + (capOf.get(app)?.throttledMs() ?? 0) - throttled[i]!, 0)),
              });
            }
          }
        }
      }
      // Per round: one and two ran back to back, so the VM's slow and fast phases mostly cancel out.
      for (const cores of settingsOfRun) {
        const limit = quotaLabel(cores);
        for (const f of fleets) {
          const ones = rates[`${f.name} 1${limit}`]!;
          const ratios = rates[`${f.name} 2${limit}`]!.map((two, i) => two / Math.max(1, ones[i]!));
          rows.push({
            case: `${f.name}: two ÷ one${limit} (median of rounds)`,
            'req/s': Number(median(ratios).toFixed(2)),
            'ratio of each round': `${ratios.map((ratio) => ratio.toFixed(2)).join(', ')}`,
          });
        }
      }
      for (const f of fleets) rows.push({ case: `${f.name}: integrity after all runs`, integrity: await f.integrity(f.answered) });
      return rows;
    } finally {
      for (const p of processes.reverse()) await p.stop().catch(() => undefined);
      for (const cap of caps) if (typeof cap !== 'string') cap.release();
      rmSync(root, { recursive: true, force: true });
      await ceilingData.drop();
      await system.close();
      await database.drop();
    }
  },
});
