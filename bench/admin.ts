import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { DB } from '../app/core/db/connection.js';
import { encodeCursor } from '../app/core/admin/query.js';
import { createCustomer } from '../app/nadooit_crm/services.js';
import { createProgram } from '../app/nadooit_program/services.js';
import { createCustomerProgram } from '../app/nadooit_program_ownership_system/services.js';
import { buildApp } from '../app/nadooit/server.js';
import type { Backend } from '../test/support/harness.js';
import { createStaff, staffLogin } from '../test/e2e/admin-support.js';
import { benchBackends, benchSystem, percentile } from './executions-setup.js';
import { defineBenchmark } from './support/registry.js';
import type { BenchRow } from './support/registry.js';

/**
 * Admin list pages over a table of a million executions, through real HTTP on loopback as a logged-in
 * superuser: first page, a page deep in the table (keyset cursor), the last page, filtered and searched lists,
 * each with its capped count.
 */

const SYSTEM = { actorUserId: null, asStaff: true } as const;
const CUSTOMERS = 100;
const LIST = '/admin/nadooit_api_executions_system/executions/';

export interface AdminListRow {
  [column: string]: string | number;
  backend: Backend;
  page: string;
  'rows shown': number;
  'p50 ms': number;
  'p95 ms': number;
}

interface Target {
  customerId: string;
  customerProgramId: string;
  programId: string;
  name: string;
}

/**
 * A million bookings in one INSERT … SELECT per chunk from a generated series (no round trips per row):
 * spread over 100 customers and the last year, statuses NOT_PAID/PAID/PAID/PAID/REVOKED.
 */
export async function fill(db: DB, backend: Backend, targets: Target[], rows: number): Promise<number> {
  const started = performance.now();
  const values = targets.map((t, k) =>
    backend === 'sqlite' ? sql`(${k}, ${t.customerId}, ${t.customerProgramId}, ${t.programId})` : sql`(${k}::int, ${t.customerId}, ${t.customerProgramId}, ${t.programId})`,
  );
  const chunk = 250_000;
  for (let offset = 0; offset < rows; offset += chunk) {
    const upto = Math.min(rows, offset + chunk);
    if (backend === 'sqlite') {
      await sql`
        with recursive seq(i) as (select ${offset} union all select i + 1 from seq where i + 1 < ${upto}),
        t(k, customer_id, customer_program_id, program_id) as (values ${sql.join(values)})
        insert into ex_executions
          (id, customer_program_id, customer_id, program_id, time_account_id, user_id, api_key_id, time_saved_seconds,
           covered_seconds, billable_seconds, pricing_mode, price_per_second, tier_price_per_hour, price, currency,
           payment_status, balance_after_seconds, in_complaint, idempotency_key, idempotency_fingerprint, created_at, updated_at)
        select
          printf('%08x-%04x-4%03x-8%03x-%012x', abs(random()) % 4294967296, abs(random()) % 65536, abs(random()) % 4096, abs(random()) % 4096, i),
          t.customer_program_id, t.customer_id, t.program_id, null, null, null,
          60 + (i % 11) * 30, case when i % 3 = 0 then 60 + (i % 11) * 30 else 0 end,
          case when i % 3 = 0 then 0 else 60 + (i % 11) * 30 end, 'fixed', 10000, null,
          case when i % 3 = 0 then 0 else (60 + (i % 11) * 30) * 10000 end, 'EUR',
          case when i % 3 = 0 then 'PAID' else case i % 5 when 0 then 'NOT_PAID' when 4 then 'REVOKED' else 'PAID' end end,
          null, 0, null, null,
          strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (i * 31.536) || ' seconds'),
          strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (i * 31.536) || ' seconds')
        from seq join t on t.k = seq.i % ${CUSTOMERS}
      `.execute(db);
    } else {
      await sql`
        with t(k, customer_id, customer_program_id, program_id) as (values ${sql.join(values)})
        insert into ex_executions
          (id, customer_program_id, customer_id, program_id, time_account_id, user_id, api_key_id, time_saved_seconds,
           covered_seconds, billable_seconds, pricing_mode, price_per_second, tier_price_per_hour, price, currency,
           payment_status, balance_after_seconds, in_complaint, idempotency_key, idempotency_fingerprint, created_at, updated_at)
        select
          gen_random_uuid(), t.customer_program_id::uuid, t.customer_id::uuid, t.program_id::uuid, null, null, null,
          60 + (i % 11) * 30, case when i % 3 = 0 then 60 + (i % 11) * 30 else 0 end,
          case when i % 3 = 0 then 0 else 60 + (i % 11) * 30 end, 'fixed', 10000, null,
          case when i % 3 = 0 then 0 else (60 + (i % 11) * 30) * 10000 end, 'EUR',
          case when i % 3 = 0 then 'PAID' else case i % 5 when 0 then 'NOT_PAID' when 4 then 'REVOKED' else 'PAID' end end,
          null, false, null, null,
          now() - i * interval '31.536 seconds', now() - i * interval '31.536 seconds'
        from generate_series(${offset}::int, ${upto - 1}::int) as i join t on t.k = i % ${CUSTOMERS}
      `.execute(db);
    }
  }
  if (backend === 'postgres') await sql`analyze ex_executions`.execute(db);
  else await sql`analyze`.execute(db);
  return Math.round(performance.now() - started);
}

export async function targets(db: DB): Promise<Target[]> {
  const out: Target[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const name = `Kunde ${String(i).padStart(3, '0')} GmbH`;
    const customer = await createCustomer(db, { name });
    const program = await createProgram(db, { name: `Programm ${i}`, description: 'Benchmark' });
    const cp = await createCustomerProgram(db, { ...SYSTEM, customerId: customer.id, programId: program.id });
    out.push({ customerId: customer.id, customerProgramId: cp.id, programId: program.id, name });
  }
  return out;
}

async function timed(runs: number, url: string, cookie: string): Promise<{ p50: number; p95: number; rows: number }> {
  const samples: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs + 2; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers: { cookie, accept: 'text/html' } });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    if (i >= 2) samples.push(performance.now() - started);
    rows = (body.match(/<tr data-id=/g) ?? []).length;
  }
  samples.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { p50: round(percentile(samples, 50)), p95: round(percentile(samples, 95)), rows };
}

export async function benchAdminLists(backend: Backend, options: { rows: number; runs: number; log?: (line: string) => void }): Promise<{ rows: AdminListRow[]; fillMs: number }> {
  const bench = await benchSystem(backend);
  const db = bench.system.context.db.kysely;
  const app = await buildApp(bench.system);
  try {
    const all = await targets(db);
    options.log?.(`  ${backend}: inserting ${options.rows} executions …`);
    const fillMs = await fill(db, backend, all, options.rows);
    options.log?.(`  ${backend}: ${options.rows} rows in ${fillMs} ms, measuring`);
    const staff = await createStaff(db, bench.system.context.settings, { superuser: true });
    const client = await staffLogin(app, staff);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };
    const base = `http://localhost:${address.port}${LIST}`;
    const cookie = client.cookieHeader();
    const deep = await db
      .selectFrom('ex_executions')
      .select(['created_at', 'id'])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .offset(Math.floor(options.rows * 0.9))
      .limit(1)
      .executeTakeFirstOrThrow();
    const probe = await db.selectFrom('ex_executions').select('id').where('customer_id', '=', all[42]!.customerId).limit(1).executeTakeFirstOrThrow();
    const pages: Array<[string, string]> = [
      ['first page', ''],
      ['deep page (row 900 000, keyset)', `?after=${encodeCursor([deep.created_at, deep.id])}`],
      ['last page', '?last=1'],
      ['filter: status REVOKED', '?f.payment_status=REVOKED'],
      ['filter: one customer', `?f.customer_id=${all[42]!.customerId}`],
      ['filter: this month', '?f.created_at=month'],
      ['filter: customer + status, deep', `?f.customer_id=${all[42]!.customerId}&f.payment_status=PAID&after=${encodeCursor([deep.created_at, deep.id])}`],
      ['search: customer name', `?q=${encodeURIComponent('Kunde 042')}`],
      ['search: execution id', `?q=${probe.id}`],
      ['search: no match', '?q=gibt-es-nicht'],
      ['sort: oldest first', '?o=created_at'],
    ];
    const rows: AdminListRow[] = [];
    for (const [label, query] of pages) {
      const result = await timed(options.runs, `${base}${query}`, cookie);
      rows.push({ backend, page: label, 'rows shown': result.rows, 'p50 ms': result.p50, 'p95 ms': result.p95 });
      options.log?.(`  ${backend}: ${label}: p50 ${result.p50} ms`);
    }
    return { rows, fillMs };
  } finally {
    await app.close();
    await bench.close();
  }
}

/**
 * `npm run bench -- admin`: the admin's executions list over BENCH_ROWS (1 000 000) bookings on SQLite and,
 * with BENCH_DATABASE_URL or TEST_DATABASE_URL, PostgreSQL; median and p95 of BENCH_RUNS (20) requests.
 */
export default defineBenchmark({
  description: 'admin list pages over a million executions through HTTP (first, deep, last, filtered, searched; capped count included)',
  async run({ log }) {
    const rows: BenchRow[] = [];
    const count = Number(process.env.BENCH_ROWS ?? 1_000_000);
    for (const backend of benchBackends()) {
      log(`admin lists on ${backend} …`);
      const result = await benchAdminLists(backend, { rows: count, runs: Number(process.env.BENCH_RUNS ?? 20), log });
      rows.push({ case: `${backend}: insert ${count} rows (INSERT … SELECT)`, 'fill ms': result.fillMs });
      for (const r of result.rows) rows.push({ case: `${backend}: ${r.page}`, 'rows shown': r['rows shown'], 'p50 ms': r['p50 ms'], 'p95 ms': r['p95 ms'] });
    }
    return rows;
  },
});
