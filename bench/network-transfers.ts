import Fastify from 'fastify';
import { z } from 'zod';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { buildApp } from '../app/nadooit/server.js';
import { apiKeyFor, person } from '../app/nadooit_api_executions_system/testing/fixtures.js';
import { bookByStaff, ensureMember, getInventory, verifyInventories } from '../app/nadooit_network/services/index.js';
import { benchBackends, benchSystem } from './executions-setup.js';
import { defineBenchmark } from './support/registry.js';
import type { BenchRow } from './support/registry.js';
import type { Result } from 'autocannon';
import { autocannon, fixedAmount } from './support/load.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const START = 1_000_000 * 1_000_000; // 1 000 000 € in micro-units
const AMOUNT = 10_000; // 0.01 €

function row(name: string, result: Result, integrity: string): BenchRow {
  return {
    case: name,
    'req/s': Math.round(result['2xx'] / result.duration),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    '2xx': result['2xx'],
    'non-2xx': result.non2xx,
    errors: result.errors + result.timeouts,
    integrity,
  };
}

/** The ceiling: a bare Fastify POST with the same zod body validation and nothing else, on the same machine. */
async function ceiling(): Promise<BenchRow> {
  const bare = Fastify().withTypeProvider<ZodTypeProvider>();
  bare.setValidatorCompiler(validatorCompiler);
  bare.setSerializerCompiler(serializerCompiler);
  bare.post('/t', { schema: { body: z.object({ to_user_code: z.string(), amount: z.string() }) } }, async (_request, reply) => reply.code(201).send({ ok: true }));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const { port } = bare.server.address() as { port: number };
  try {
    const result = await autocannon({ url: `http://127.0.0.1:${port}/t`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to_user_code: 'X', amount: '0.01' }), connections: CONNECTIONS, ...fixedAmount(REQUESTS), workers: 1 });
    return row('ceiling: bare Fastify + zod', result, '—');
  } finally {
    await bare.close();
  }
}

/**
 * POST /api/v1/network/transfers over loopback: two members sending 0.01 € back and forth on every
 * connection (the worst case: every transfer locks the same two inventories). Afterwards the money of both
 * must still add up and every inventory must equal the sum of its ledger entries.
 */
async function transfers(backend: 'sqlite' | 'postgres'): Promise<BenchRow> {
  const bench = await benchSystem(backend, 20, { NADOOIT_API_RATE_LIMIT_PER_MINUTE: '0' });
  const db = bench.system.context.db.kysely;
  const app = await buildApp(bench.system);
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const [a, b] = [await person(db, { displayName: 'A' }), await person(db, { displayName: 'B' })];
    const members = [await ensureMember(db, a.userId), await ensureMember(db, b.userId)];
    for (const m of members) await bookByStaff(db, { actorUserId: null, asStaff: true, inventoryId: m.inventory_id, kind: 'credit', amountMicro: START });
    const keys = [(await apiKeyFor(db, a.userId)).secret, (await apiKeyFor(db, b.userId)).secret];
    const body = (code: string) => JSON.stringify({ to_user_code: code, amount: '0.01' });
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/api/v1/network/transfers`,
      method: 'POST',
      connections: CONNECTIONS,
      ...fixedAmount(REQUESTS),
      workers: 1,
      timeout: 30,
      requests: [
        { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[0]}` }, body: body(b.userCode) },
        { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[1]}` }, body: body(a.userCode) },
      ],
    });
    const total = (await Promise.all(members.map(async (m) => Number((await getInventory(db, m.inventory_id))!.balance_micro)))).reduce((s, v) => s + v, 0);
    const entries = await db.selectFrom('net_inventory_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'transfer').executeTakeFirstOrThrow();
    const ok = total === 2 * START && (await verifyInventories(db)).length === 0 && Number(entries.n) === 2 * result['2xx'];
    return row(`${backend}: POST /api/v1/network/transfers`, result, ok ? `ok (${entries.n} legs, total unchanged)` : `MISMATCH total=${total} legs=${entries.n}`);
  } finally {
    await app.close();
    await bench.close();
  }
}

export default defineBenchmark({
  description: `Money transfers between two members through the REST API (${REQUESTS} requests, autocannon -c ${CONNECTIONS} in a worker thread), integrity checked; ceiling: bare Fastify with the same body validation. Env: BENCH_REQUESTS, BENCH_CONNECTIONS, BENCH_BACKENDS, TEST_DATABASE_URL`,
  async run({ log }) {
    const rows = [await ceiling()];
    for (const backend of benchBackends()) {
      log(`transfers on ${backend}`);
      rows.push(await transfers(backend));
    }
    return rows;
  },
});
