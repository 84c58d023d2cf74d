import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import type { Options, Result } from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { bootstrap } from '../app/nadooit/bootstrap.js';
import { loadSettings } from '../app/nadooit/settings.js';
import { createOrder, createSection, setSectionSignals } from '../app/nadooit_website/services/content.js';
import { startSession } from '../app/nadooit_website/services/pages.js';
import { signalToken } from '../app/nadooit_website/services/signals.js';
import { defineBenchmark } from './support/registry.js';
import type { BenchRow } from './support/registry.js';
import { compiledStartCommand, freePort, startServerProcess } from './support/server-process.js';

const SECTIONS = 10;
const SESSIONS = Number(process.env.BENCH_WEBSITE_SESSIONS ?? 3000);
const CONNECTIONS = [16, 64];
const SECRET = 'bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz';

/**
 * Every request comes from another visitor address (X-Forwarded-For behind TRUST_PROXY), as on the real
 * site, so the per-address limits of / and the signals measure the work, not the 429 path.
 */
let address = 0;
const nextAddress = () => {
  address += 1;
  return `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;
};

function load(url: string, connections: number, seconds: number, request: () => { path?: string; method?: string; headers: Record<string, string>; body?: string }): Promise<Result> {
  const options = {
    url,
    connections,
    duration: seconds,
    requests: [{ setupRequest: (r: Record<string, unknown>) => ({ ...r, ...request() }) }],
  };
  return autocannon(options as unknown as Options);
}

function row(name: string, result: Result): BenchRow {
  return {
    case: name,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    '2xx': result['2xx'],
    'non-2xx': result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

interface Target {
  backend: 'sqlite' | 'postgres';
  url: string;
  drop(): Promise<void>;
}

async function targets(root: string): Promise<Target[]> {
  const list: Target[] = [{ backend: 'sqlite', url: `sqlite:${path.join(root, 'db.sqlite3')}`, drop: async () => {} }];
  const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (server) {
    const name = `nadooit_bench_web_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(server);
    url.pathname = `/${name}`;
    list.push({
      backend: 'postgres',
      url: url.toString(),
      async drop() {
        const client = new pg.Client({ connectionString: server });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      },
    });
  }
  const only = process.env.BENCH_BACKENDS?.split(',');
  return only ? list.filter((t) => only.includes(t.backend)) : list;
}

export default defineBenchmark({
  description: `The website: GET / (${SECTIONS}-section order, Visit + Session written, order chosen by the experiment) and the signal endpoint (token check, session update, signal row) at c=${CONNECTIONS.join(' and c=')}, on SQLite and PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL), the real server started with \`npm start\`, beside a bare-Fastify ceiling`,
  async run({ seconds, log }) {
    const rows: BenchRow[] = [];
    const root = mkdtempSync(path.join(tmpdir(), 'nadooit-bench-website-'));
    const bare = Fastify();
    const page = `<!doctype html><html><body>${'<section><h2>Abschnitt</h2><p>Text</p></section>'.repeat(SECTIONS)}</body></html>`;
    bare.get('/', async (_request, reply) => reply.type('text/html').send(page));
    bare.post('/signal', async () => ({ ok: true, recorded: true }));
    await bare.listen({ host: '127.0.0.1', port: 0 });
    const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;
    try {
      for (const connections of CONNECTIONS) {
        log(`bare Fastify at c=${connections} for ${seconds} s`);
        rows.push(row(`GET / bare Fastify c=${connections} (ceiling)`, await load(bareUrl, connections, seconds, () => ({ headers: {} }))));
        rows.push(row(`POST signal bare Fastify c=${connections} (ceiling)`, await load(bareUrl, connections, seconds, () => ({ path: '/signal', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"interaction_time":0.5}' }))));
      }
      for (const target of await targets(root)) {
        const port = await freePort();
        const env: Record<string, string> = {
          SECRET_KEY: SECRET,
          DEBUG: '0',
          ALLOWED_HOSTS: '127.0.0.1,localhost',
          DATABASE_URL: target.url,
          DATA_DIR: path.join(root, `data-${target.backend}`),
          MEDIA_ROOT: path.join(root, `media-${target.backend}`),
          HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'warn',
          TRUST_PROXY: '1',
          WORKER_IN_PROCESS: '0',
        };
        log(`${target.backend}: migrating, ${SECTIONS} sections in an active order, ${SESSIONS} visitor sessions for the signals`);
        const settings = loadSettings(env, root);
        const setup = await bootstrap(settings, { migrate: true, logger: pino({ level: 'silent' }), queueDriver: 'db' });
        const db = setup.context.db.kysely;
        const sectionIds: string[] = [];
        for (let i = 0; i < SECTIONS; i++) {
          const id = await createSection(db, { name: `Abschnitt ${i + 1}`, html: `<section class="py-4"><h2>Abschnitt ${i + 1}</h2><p>${'Text über unsere Leistungen. '.repeat(20)}</p><a href="{% url 'nadooit_website:impressum' %}">Impressum</a></section>` });
          await setSectionSignals(db, id, ['revealed', 'click', 'mouseleave', 'vote']);
          sectionIds.push(id);
        }
        await createOrder(db, { name: 'Startseite', isActive: true, sectionIds });
        const sessions: Array<{ id: string; token: string }> = [];
        for (let i = 0; i < SESSIONS; i++) {
          const s = await startSession(db, { ipHash: null, isBot: false });
          sessions.push({ id: s.sessionId, token: signalToken(SECRET, s.sessionId) });
        }
        await setup.close();
        const server = await startServerProcess(compiledStartCommand(), { env, port });
        try {
          let n = 0;
          const signal = () => {
            const s = sessions[n++ % sessions.length]!;
            const section = sectionIds[n % SECTIONS]!;
            return {
              path: `/signal/${s.id}/${section}/mouseleave/`,
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-signal-token': s.token, 'x-forwarded-for': nextAddress(), 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0' },
              body: '{"interaction_time":0.5}',
            };
          };
          for (const connections of CONNECTIONS) {
            log(`${target.backend}: GET / at c=${connections} for ${seconds} s`);
            rows.push(row(`GET / ${target.backend} c=${connections}`, await load(server.url, connections, seconds, () => ({ headers: { 'x-forwarded-for': nextAddress(), 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0' } }))));
            log(`${target.backend}: POST /signal/… at c=${connections} for ${seconds} s`);
            rows.push(row(`POST signal ${target.backend} c=${connections}`, await load(server.url, connections, seconds, signal)));
          }
        } finally {
          await server.stop();
          await target.drop();
        }
      }
      return rows;
    } finally {
      await bare.close();
      rmSync(root, { recursive: true, force: true });
    }
  },
});
