import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { bootstrap } from '../app/nadooit/bootstrap.js';
import { bookingWorld, legacyForm } from '../app/nadooit_api_executions_system/testing/fixtures.js';
import { migratedDatabase, testSettings } from '../test/support/harness.js';
import { defineBenchmark } from './support/registry.js';
import type { BenchRow } from './support/registry.js';
import { closedLoop } from './support/load.js';
import { median } from './support/stats.js';
import { startAppServer } from './support/server-process.js';
import type { ServerProcess } from './support/server-process.js';

const REPO = path.resolve(import.meta.dirname, '..');
/** The last commit before group commit (issue 18): one transaction and no sync per booking, started through tsx. */
const BEFORE = '7b528e2';
const FORM = 'application/x-www-form-urlencoded';
const BALANCE = 10_000_000_000;

/**
 * Written into the earlier commit's checkout and run there, with its own code: a migrated SQLite database
 * holding one bot's world (the fixtures of that time have the same names), printed as JSON.
 */
const WORLD_SCRIPT = `
import pino from 'pino';
import { bootstrap } from '../app/nadooit/bootstrap.js';
import { bookingWorld, legacyForm } from '../app/nadooit_api_executions_system/testing/fixtures.js';
import { migratedDatabase, testSettings } from '../test/support/harness.js';
const settings = testSettings();
const database = await migratedDatabase('sqlite', settings);
const system = await bootstrap(settings, { migrate: true, database: database.target, queueDriver: 'inline', logger: pino({ level: 'silent' }) });
const world = await bookingWorld(system.context.db.kysely, { balanceSeconds: ${BALANCE}, defaultSeconds: 60, pricePerSecond: 10_000 });
await system.close();
console.log(JSON.stringify({ file: database.target.file, dataDir: settings.dataDir, body: legacyForm(world) }));
process.exit(0);
`;

interface Server {
  name: string;
  process: ServerProcess;
  body: string;
  /** Removes its database. */
  drop(): Promise<void>;
}

/** The earlier commit in a checkout of its own (this repository's node_modules), its world and its server. */
async function serverBefore(root: string, commit: string): Promise<Server> {
  const checkout = path.join(root, 'before');
  execFileSync('git', ['-C', REPO, 'worktree', 'add', '--detach', '--force', checkout, commit], { stdio: 'ignore' });
  symlinkSync(path.join(REPO, 'node_modules'), path.join(checkout, 'node_modules'));
  writeFileSync(path.join(checkout, 'bench', 'before-world.mts'), WORLD_SCRIPT);
  const world = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'bench/before-world.mts'], { cwd: checkout, encoding: 'utf8' }).trim().split('\n').at(-1)!) as {
    file: string;
    dataDir: string;
    body: string;
  };
  const server = await startAppServer({
    databaseUrl: `sqlite:${world.file}`,
    dataDir: world.dataDir,
    command: `env -C ${checkout} node --import tsx app/nadooit/main.ts start`,
  });
  const drop = async () => rmSync(path.dirname(world.dataDir), { recursive: true, force: true });
  return { name: `before group commit (${commit}, tsx)`, process: server, body: world.body, drop };
}

async function serverNow(): Promise<Server> {
  const settings = testSettings();
  const database = await migratedDatabase('sqlite', settings);
  const system = await bootstrap(settings, { migrate: true, database: database.target, queueDriver: 'inline', logger: pino({ level: 'silent' }) });
  const world = await bookingWorld(system.context.db.kysely, { balanceSeconds: BALANCE, defaultSeconds: 60, pricePerSecond: 10_000 });
  await system.close();
  const file = database.target.kind === 'sqlite' ? database.target.file : '';
  const server = await startAppServer({ databaseUrl: `sqlite:${file}`, dataDir: settings.dataDir, compiled: true });
  return { name: 'now (npm start)', process: server, body: legacyForm(world), drop: () => database.drop() };
}

export default defineBenchmark({
  description:
    'SQLite: bookings at few connections against the server of the commit before group commit (BENCH_BEFORE, default ' +
    `${BEFORE}: one transaction per booking, no sync before the answer), in a git worktree of its own, alternating runs; ` +
    'BENCH_CONNECTIONS (1), BENCH_ROUNDS (5), BENCH_SECONDS per run (5); needs git, wrk or autocannon',
  async run({ log, seconds }) {
    const commit = process.env.BENCH_BEFORE ?? BEFORE;
    const connections = (process.env.BENCH_CONNECTIONS ?? '1').split(',').map(Number);
    const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
    const root = mkdtempSync(path.join(tmpdir(), 'nadooit-before-'));
    const servers: Server[] = [];
    try {
      log(`checking out ${commit} and starting its server`);
      servers.push(await serverBefore(root, commit));
      servers.push(await serverNow());
      const load = (server: Server, c: number, runSeconds: number) =>
        closedLoop({ url: `${server.process.url}/api/executions`, body: server.body, contentType: FORM, connections: c, amount: 4000, seconds: runSeconds });
      for (const server of servers) await load(server, 1, 3); // warm-up
      const rows: BenchRow[] = [];
      const p50s = new Map<string, number[]>();
      for (const c of connections) {
        for (let round = 1; round <= rounds; round++) {
          for (const server of servers) {
            log(`c=${c}, round ${round}: ${server.name}`);
            const cpu = server.process.cpuMs();
            const result = await load(server, c, seconds);
            const key = `${c}|${server.name}`;
            p50s.set(key, [...(p50s.get(key) ?? []), result.p50Ms]);
            rows.push({
              case: `c=${c}, round ${round}, ${server.name}`,
              'req/s': Math.round(result.ok / result.seconds),
              'p50 ms': Number(result.p50Ms.toFixed(2)),
              'p99 ms': Number(result.p99Ms.toFixed(2)),
              'server CPU ms/booking': result.ok ? Number(((server.process.cpuMs() - cpu) / result.ok).toFixed(3)) : 0,
              'non-200': result.non2xx,
              errors: result.errors,
            });
          }
        }
        for (const server of servers) rows.push({ case: `c=${c}, median of rounds, ${server.name}`, 'p50 ms': Number(median(p50s.get(`${c}|${server.name}`)!).toFixed(2)) });
      }
      return rows;
    } finally {
      for (const server of servers) {
        await server.process.stop().catch(() => undefined);
        await server.drop();
      }
      if (existsSync(path.join(root, 'before'))) execFileSync('git', ['-C', REPO, 'worktree', 'remove', '--force', path.join(root, 'before')], { stdio: 'ignore' });
      rmSync(root, { recursive: true, force: true });
    }
  },
});
