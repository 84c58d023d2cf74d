import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import type { Result } from 'autocannon';
import { SESSION_COOKIE } from '../app/core/http/sessions.js';
import { randomToken, sha256Hex } from '../app/core/http/tokens.js';
import { buildApp } from '../app/nadooit/server.js';
import { defineBenchmark } from './support/registry.js';
import type { BenchRow } from './support/registry.js';
import { benchSystem } from './executions-setup.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

function row(name: string, result: Result): BenchRow {
  return {
    case: name,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    requests: result.requests.total,
    'non-2xx': result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

export default defineBenchmark({
  description: `HTTP round trips against a listening server on 127.0.0.1 (SQLite; autocannon -c ${CONNECTIONS} in a worker thread)`,
  async run({ seconds, log }) {
    const bench = await benchSystem('sqlite');
    const app = await buildApp(bench.system);
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = app.server.address() as { port: number };
      const base = `http://127.0.0.1:${port}`;

      // A signed-in visitor: a session row made directly, its cookie sent with every request.
      const token = randomToken(32);
      const now = new Date();
      await bench.system.context.db.kysely
        .insertInto('core_sessions')
        .values({
          id: randomUUID(),
          token_hash: sha256Hex(token),
          user_id: null,
          data: JSON.stringify({ language: 'de' }),
          ip: '127.0.0.1',
          user_agent: 'bench',
          created_at: now.toISOString(),
          last_seen_at: now.toISOString(),
          expires_at: new Date(now.getTime() + 86_400_000).toISOString(),
        })
        .execute();
      const cookie = `${SESSION_COOKIE}=${token}`;
      const probe = await fetch(`${base}/`, { headers: { cookie } });
      if (probe.status !== 200) throw new Error(`GET / with a session answered ${probe.status}`);

      // The floor: the same route on a bare Fastify (no plugins, hooks or logger), to show our layers' cost.
      const bare = Fastify();
      bare.get('/healthz', async () => ({ status: 'ok' }));
      await bare.listen({ host: '127.0.0.1', port: 0 });
      const barePort = (bare.server.address() as { port: number }).port;

      const rows: BenchRow[] = [];
      try {
        for (const [name, url, headers] of [
          ['GET /healthz, bare Fastify', `http://127.0.0.1:${barePort}/healthz`, {}],
          ['GET /healthz', `${base}/healthz`, {}],
          ['GET / with session cookie', `${base}/`, { cookie, accept: 'text/html' }],
        ] as const) {
          log(`${name} for ${seconds} s`);
          rows.push(row(name, await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers, workers: 1 })));
        }
      } finally {
        await bare.close();
      }
      return rows;
    } finally {
      await app.close();
      await bench.close();
    }
  },
});
