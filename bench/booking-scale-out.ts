import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { bootstrap } from '../app/nadooit/bootstrap.js';
import { verifyLedger } from '../app/nadooit_time_account/ledger.js';
import { bookingWorld, legacyForm } from '../app/nadooit_api_executions_system/testing/fixtures.js';
import { migratedDatabase, testSettings } from '../test/support/harness.js';
import { defineBenchmark } from './support/registry.js';
import type { BenchRow } from './support/registry.js';
import { freePort, machineBusyPercentSince, machineCpuTicks, postgresCpuSince, postgresCpuSnapshot, startAppServer, startServerProcess } from './support/server-process.js';
import type { ServerProcess } from './support/server-process.js';
import { cpuCap } from './support/cpu-cap.js';
import type { CpuCap } from './support/cpu-cap.js';
import { addRun, answeredText, closedLoop, matches, requestsBound, settled } from './support/load.js';
import type { Answered, ClosedLoopRun } from './support/load.js';

const REPO = path.resolve(import.meta.dirname, '..');
const DOMAIN = 'bench.localhost';
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
  execFileSync('sh', [path.join(REPO, 'docker/proxy/render.sh'), conf], {
    env: {
      PATH: process.env.PATH,
      DOMAIN,
      FORCE_HTTP: '1',
      APP_HOST: '127.0.0.1',
      APP_PORT: String(apps[0]!.port),
      HTTP_LISTEN: `127.0.0.1:${port}`,
      ACME_WEBROOT: path.join(root, 'www'),
      WEB_ROOT: path.join(root, 'web'),
      NGINX_RUN_DIR: path.join(root, 'run'),
      NGINX_RESOLVER: '127.0.0.1',
      ACCESS_LOG: '/dev/null',
      ERROR_LOG: path.join(root, 'error.log'),
      LETSENCRYPT_DIR: path.join(root, 'letsencrypt'),
    },
  });
  const upstream = path.join(conf, 'conf.d/app-upstream.conf');
  const rendered = readFileSync(upstream, 'utf8');
  const serverLine = (app: ServerProcess) => `    server 127.0.0.1:${app.port};\n`;
  const line = serverLine(apps[0]!);
  if (!rendered.includes(line)) throw new Error(`render.sh no longer names the app as "${line.trim()}" in ${upstream}`);
  writeFileSync(upstream, rendered.replace(line, apps.map(serverLine).join('')));
  return startServerProcess(`nginx -p ${root} -c ${path.join(conf, 'nginx.conf')} -g 'daemon off;'`, { port, env: {}, readyPath: '/healthz' });
}

const FORM = 'application/x-www-form-urlencoded';

const quotaLabel = (cores: number | undefined) => (cores === undefined ? '' : `, ${cores} CPU each`);

/** Bookings through nginx, addressed to the project's server name. */
function load(url: string, body: readonly string[], connections: number, amount: number, seconds: number): Promise<ClosedLoopRun> {
  return closedLoop({ url: `${url}/api/executions`, body, contentType: FORM, host: DOMAIN, connections, amount, seconds });
}

export default defineBenchmark({
  description:
    'PostgreSQL + Redis: bookings through nginx (the project configuration from docker/proxy, HTTP mode, loopback) to one app process ' +
    'versus two app processes on the same database, alternating runs; integrity after all. Env: TEST_DATABASE_URL (required), ' +
    'TEST_REDIS_URL (redis://127.0.0.1:6379/15), BENCH_CONNECTIONS (64), BENCH_ROUNDS (2), BENCH_APP_CPUS (0.25: each round also runs ' +
    'one and two app processes with that many CPUs each, through a cgroup quota; 0 = not), BENCH_ACCOUNTS (1: all bookings on one ' +
    "customer's account; 2: in turn on two customers' accounts, which share nothing); closed loop with wrk when installed " +
    '(BENCH_SECONDS per run, 5), else autocannon (BENCH_REQUESTS per run, 6000)',
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
    const processes: ServerProcess[] = [];
    let caps: (CpuCap | string)[] = [];
    try {
      const runsPerRound = appCpus > 0 ? 4 : 2;
      const balance = (1000 + rounds * runsPerRound * requestsBound({ amount, seconds })) * 2 * SECONDS_PER_BOOKING;
      const body: string[] = [];
      for (let i = 0; i < accounts; i++) body.push(legacyForm(await bookingWorld(db, { balanceSeconds: balance, defaultSeconds: SECONDS_PER_BOOKING })));
      const env = { REDIS_URL: redis, ALLOWED_HOSTS: `${DOMAIN},localhost,127.0.0.1`, TRUST_PROXY: '1' };
      const apps: ServerProcess[] = [];
      for (let i = 0; i < 2; i++) apps.push(await startAppServer({ databaseUrl: database.target.kind === 'postgres' ? database.target.url : '', dataDir: settings.dataDir, env, compiled: true }));
      processes.push(...apps);
      caps = appCpus > 0 ? apps.map((app) => cpuCap(app.pid)) : [];
      const capped = caps.every((cap): cap is CpuCap => typeof cap !== 'string') ? caps : [];
      if (caps.length && !capped.length) log(`no capped runs: ${caps.find((cap) => typeof cap === 'string')}`);
      const settingsOfRun = [undefined, ...(capped.length ? [appCpus] : [])];
      const one = await startNginx(path.join(root, 'one'), apps.slice(0, 1));
      const two = await startNginx(path.join(root, 'two'), apps);
      processes.push(one, two);
      let answered: Answered = { ok: 0, unanswered: 0 };
      for (const proxy of [one, two]) answered = addRun(answered, await load(proxy.url, body, 16, 1000, 1)); // warm-up
      const rows: BenchRow[] = [];
      const rates: Record<string, number[]> = {};
      for (let round = 1; round <= rounds; round++) {
        for (const [cores, [name, proxy, behind]] of settingsOfRun.flatMap((cores) =>
          ([['one', one, apps.slice(0, 1)], ['two', two, apps]] as const).map((run) => [cores, run] as const),
        )) {
          for (const cap of capped) cap.limit(cores);
          const limit = quotaLabel(cores);
          const key = `${name}${limit}`;
          log(`round ${round}: ${name} app process(es)${limit} behind nginx, c=${connections}`);
          const throttled = capped.map((cap) => cap.throttledMs());
          const cpu = behind.map((a) => a.cpuMs());
          const pg = postgresCpuSnapshot();
          const machine = machineCpuTicks();
          const result = await load(proxy.url, body, connections, amount, seconds);
          answered = addRun(answered, result);
          const rate = result.ok / result.seconds;
          (rates[key] ??= []).push(rate);
          const appCpu = behind.reduce((sum, a, i) => sum + a.cpuMs() - cpu[i]!, 0);
          rows.push({
            case: `round ${round}, ${name === 'one' ? '1 app process' : '2 app processes'}${limit}, ${accounts === 1 ? '1 account' : `${accounts} accounts`}, c=${connections}`,
            'req/s': Math.round(rate),
            load: result.generator,
            'p50 ms': Number(result.p50Ms.toFixed(2)),
            'p99 ms': Number(result.p99Ms.toFixed(2)),
            'app CPU ms/booking': result.ok ? Number((appCpu / result.ok).toFixed(3)) : 0,
            'pg CPU ms/booking': result.ok ? Number((postgresCpuSince(pg) / result.ok).toFixed(3)) : 0,
            'non-200': result.non2xx,
            errors: result.errors,
            'machine CPU busy %': Math.round(machineBusyPercentSince(machine)),
            'app CPU throttled ms': Math.round(capped.reduce((sum, cap, i) => sum + cap.throttledMs() - throttled[i]!, 0)),
          });
        }
      }
      const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
      const rowCount = async () => Number((await db.selectFrom('ex_executions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      await settled(answered, rowCount);
      const rowsWritten = await rowCount();
      const mismatches = await verifyLedger(db);
      for (const cores of settingsOfRun) {
        const limit = quotaLabel(cores);
        rows.push({ case: `two ÷ one${limit} (mean of rounds)`, 'req/s': Number((mean(rates[`two${limit}`]!) / Math.max(1, mean(rates[`one${limit}`]!))).toFixed(2)) });
      }
      rows.push({
        case: 'integrity after all runs',
        integrity:
          matches(rowsWritten, answered) && mismatches.length === 0
            ? `ok (${rowsWritten} rows for ${answeredText(answered)} answers, check_ledger clean)`
            : `MISMATCH: ${rowsWritten} rows for ${answeredText(answered)} answers, ${mismatches.length} ledger mismatches`,
      });
      return rows;
    } finally {
      for (const p of processes.reverse()) await p.stop().catch(() => undefined);
      for (const cap of caps) if (typeof cap !== 'string') cap.release();
      rmSync(root, { recursive: true, force: true });
      await system.close();
      await database.drop();
    }
  },
});
