import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import type { Options, Result } from 'autocannon';
import Fastify from 'fastify';
import pino from 'pino';
import { sql } from 'kysely';
import { bootstrap } from '../app/nadooit/bootstrap.js';
import { loadSettings, PROJECT_ROOT } from '../app/nadooit/settings.js';
import { createCustomer } from '../app/nadooit_crm/services.js';
import { createBot, createPlatform } from '../app/bot_management/services.js';
import { defineBenchmark } from './support/registry.js';
import type { BenchRow } from './support/registry.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const SECRET = 'bench-webhook-secret-0123456789';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** autocannon with a body made per request: every POST is a new Telegram update (update_id counts up). */
let next = 1;
function updates(url: string, seconds: number, headers: Record<string, string>, connections = CONNECTIONS): Promise<Result> {
  const options = {
    url,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    requests: [
      {
        setupRequest: (request: Record<string, unknown>) => {
          const id = next++;
          const chat = 1000 + (id % 500);
          const body = { update_id: id, message: { message_id: id, date: 1_700_000_000, chat: { id: chat, type: 'private', first_name: 'Bench' }, from: { id: chat, is_bot: false, first_name: 'Bench' }, text: `hello ${id}` } };
          return { ...request, body: JSON.stringify(body) };
        },
      },
    ],
  };
  return autocannon(options as unknown as Options);
}

function row(name: string, result: Result, stored?: number): BenchRow {
  return {
    case: name,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    '2xx': result['2xx'],
    'non-2xx': result.non2xx,
    errors: result.errors + result.timeouts,
    ...(stored === undefined ? {} : { stored, 'stored/s': Math.round(stored / (result.duration || 1)) }),
  };
}

export default defineBenchmark({
  description: `Telegram webhook intake (secret check, store once, enqueue) at c=${CONNECTIONS} on SQLite: the real server started with \`npm start\`'s entry point, next to a bare-Fastify JSON POST ceiling`,
  async run({ seconds, log }) {
    const root = mkdtempSync(path.join(tmpdir(), 'nadooit-bench-bots-'));
    const port = await freePort();
    const env: Record<string, string> = {
      SECRET_KEY: 'bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz',
      DEBUG: '0',
      ALLOWED_HOSTS: '127.0.0.1,localhost',
      DATABASE_URL: `sqlite:${path.join(root, 'db.sqlite3')}`,
      DATA_DIR: path.join(root, 'data'),
      MEDIA_ROOT: path.join(root, 'media'),
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      // Intake only: the worker (a separate process in production) is not running, so updates stay queued.
      WORKER_IN_PROCESS: '0',
    };
    // Migrate and create one bot with a known webhook secret, then start the server as users do.
    const settings = loadSettings(env, root);
    const setup = await bootstrap(settings, { migrate: true, logger: pino({ level: 'silent' }), queueDriver: 'db' });
    const customer = await createCustomer(setup.context.db.kysely, { name: 'Bench GmbH' });
    const botId = await createBot(setup.context.db.kysely, { name: 'bench', code: 'testbot', customerId: customer.id });
    const { id: platformId, registerId } = await createPlatform(setup.context.db.kysely, settings, { botId, platform: 'telegram', accessToken: '1:bench', secret: SECRET });
    await setup.close();

    const server = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'app/nadooit/main.ts'), 'start'], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    const base = `http://127.0.0.1:${port}`;
    const rows: BenchRow[] = [];
    const bare = Fastify();
    try {
      for (let i = 0; ; i++) {
        const ok = await fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false);
        if (ok) break;
        if (i > 600 || server.exitCode !== null) throw new Error('the server did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
      bare.post('/webhook', async () => ({ ok: true }));
      await bare.listen({ host: '127.0.0.1', port: 0 });
      const barePort = (bare.server.address() as { port: number }).port;
      log(`bare Fastify JSON POST for ${seconds} s`);
      rows.push(row('POST JSON, bare Fastify (ceiling)', await updates(`http://127.0.0.1:${barePort}/webhook`, seconds, {})));

      log(`GET /healthz on the server for ${seconds} s`);
      rows.push(row('GET /healthz, the server (its HTTP stack)', await autocannon({ url: `${base}/healthz`, connections: CONNECTIONS, duration: seconds })));
      log(`POST /bot/telegram/webhook/<id> for ${seconds} s`);
      const result = await updates(`${base}/bot/telegram/webhook/${registerId}`, seconds, { 'x-telegram-bot-api-secret-token': SECRET });
      const check = await bootstrap(settings, { logger: pino({ level: 'silent' }), queueDriver: 'db' });
      const counted = await check.context.db.kysely.selectFrom('bot_updates').select((eb) => eb.fn.countAll().as('n')).where('bot_platform_id', '=', platformId).executeTakeFirstOrThrow();
      const jobs = await sql<{ n: number }>`select count(*) as n from core_jobs where name = 'bot_management.process_update'`.execute(check.context.db.kysely);
      await check.close();
      const stored = Number(counted.n);
      rows.push(row(`POST /bot/telegram/webhook c=${CONNECTIONS} (stored + job enqueued)`, result, stored));
      log(`the same with one connection (latency without queueing) for ${seconds} s`);
      const single = await updates(`${base}/bot/telegram/webhook/${registerId}`, seconds, { 'x-telegram-bot-api-secret-token': SECRET }, 1);
      rows.push(row('POST /bot/telegram/webhook c=1', single));
      log(`stored ${stored} updates, ${jobs.rows[0]!.n} processing jobs, ${result['2xx']} answered 2xx`);
      // Requests still in flight when the run stops may be stored without their answer being counted.
      if (stored < result['2xx'] || stored > result.requests.sent) throw new Error(`stored ${stored} updates, answered ${result['2xx']} with 2xx, sent ${result.requests.sent}`);
      return rows;
    } finally {
      await bare.close();
      server.kill('SIGTERM');
      await new Promise((resolve) => (server.exitCode !== null ? resolve(null) : server.once('exit', resolve)));
      rmSync(root, { recursive: true, force: true });
    }
  },
});
