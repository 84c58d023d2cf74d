import { it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { describeEachBackend } from '../support/harness.js';
import { apiKeyFor, bookingWorld, person } from '../../app/nadooit_api_executions_system/testing/fixtures.js';
import { ALL_ROLES } from '../../app/nadooit_os/testing/world.js';

const SEED = 0x5eed_10;
const REQUESTS_PER_BACKEND = 3000;

/** mulberry32: a small seeded generator, so a failure replays exactly. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T,>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Random = ReturnType<typeof generator>;

const NASTY_STRINGS = [
  '', ' ', '0', '-1', '1e309', '99999999999999999999999', '3.5', 'NaN', 'null', 'true', '[]', '{}', '\u0000', 'a\u0000b', '\u001b[31m',
  '\ud800', '\uffff', 'ä€𝄞', '<script>alert(1)</script>', "' OR 1=1 --", '../../etc/passwd', '%00', '%', '%E0%A4%A', '\\', '//evil.example',
  'x'.repeat(300), 'y'.repeat(70_000), '00000000-0000-0000-0000-000000000000', 'NOT-A-UUID', 'nadooit_abc_def',
];

function nastyValue(r: Random, depth = 0): unknown {
  switch (r.int(depth > 3 ? 6 : 9)) {
    case 0: return r.pick(NASTY_STRINGS);
    case 1: return r.pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), Number.MAX_VALUE, 1e-300]);
    case 2: return r.pick([true, false, null]);
    case 3: return randomUUID();
    case 4: return String.fromCharCode(...Array.from({ length: r.int(20) }, () => r.int(0x3000)));
    case 5: return r.int(1_000_000);
    case 6: return Array.from({ length: r.int(4) }, () => nastyValue(r, depth + 1));
    case 7: return Object.fromEntries(Array.from({ length: r.int(4) }, () => [r.pick(FIELD_NAMES), nastyValue(r, depth + 1)]));
    default: return nastyValue(r, depth + 5) instanceof Object ? {} : [nastyValue(r, depth + 1)];
  }
}

const FIELD_NAMES = [
  'NADOOIT__API_KEY', 'NADOOIT__USER_CODE', 'NADOOIT__USER_CODE_TO_CHECK', 'program_id', 'time_saved', 'idempotency_key',
  'customer_program_id', 'seconds', 'note', 'status', 'reason', 'text', 'to', 'execution_id', 'customer_id', '__proto__', 'constructor',
];

/** encodeURIComponent, which throws on a lone surrogate: those are sent as their UTF-8 replacement bytes. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  }
}

function encodePathSegment(r: Random, real: string[]): string {
  const choice = r.int(5);
  if (choice === 0 && real.length) return r.pick(real);
  if (choice === 1) return randomUUID();
  if (choice === 2) return r.pick(['%', '%E0%A4%A', '%00', '%2e%2e', '..', 'x'.repeat(150)]);
  return encode(String(nastyValue(r)));
}

function randomQuery(r: Random): string {
  if (r.chance(0.5)) return '';
  const pairs = Array.from({ length: 1 + r.int(4) }, () => {
    const key = r.pick(['customer_id', 'cursor', 'limit', 'status', 'from', 'to', 'filter', 'q', 'program_id', r.pick(NASTY_STRINGS).slice(0, 20)]);
    const value = r.chance(0.2) ? r.pick(['%', '%zz', '%00', '%ff%fe']) : encode(String(nastyValue(r)).slice(0, 500));
    return `${encode(key)}=${value}`;
  });
  return `?${pairs.join('&')}`;
}

interface Credentials {
  key: string;
  userCode: string;
  ids: string[];
}

interface Body {
  payload?: string | Buffer;
  headers: Record<string, string>;
}

interface FuzzRequest extends Body {
  method: NonNullable<InjectOptions['method']>;
  url: string;
}

function randomBody(r: Random, credentials: Credentials): Body {
  const fields: Record<string, unknown> = {};
  if (r.chance(0.6)) fields.NADOOIT__API_KEY = r.chance(0.5) ? credentials.key : nastyValue(r);
  if (r.chance(0.6)) fields.NADOOIT__USER_CODE = r.chance(0.5) ? credentials.userCode : nastyValue(r);
  for (let i = r.int(5); i > 0; i--) fields[r.pick(FIELD_NAMES)] = r.chance(0.3) ? r.pick(credentials.ids) : nastyValue(r);
  switch (r.int(8)) {
    case 0: return { payload: JSON.stringify(fields), headers: { 'content-type': 'application/json' } };
    case 1: return { payload: JSON.stringify(fields).slice(0, r.int(40)), headers: { 'content-type': 'application/json' } };
    case 2: return { payload: JSON.stringify(nastyValue(r)), headers: { 'content-type': 'application/json' } };
    case 3: {
      const form = Object.entries(fields).map(([k, v]) => `${encode(k)}=${encode(String(v))}`).join('&');
      return { payload: r.chance(0.2) ? `${form}&%=%zz` : form, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    }
    case 4: {
      const boundary = r.pick(['XyZ', '', '\n', '"q"', 'a'.repeat(80)]);
      const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${String(v)}\r\n`);
      const body = `${parts.join('')}--${boundary}--\r\n`;
      return { payload: body.slice(0, r.chance(0.3) ? r.int(body.length) : body.length), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
    }
    case 5: return { payload: Buffer.from(Array.from({ length: r.int(200) }, () => r.int(256))), headers: { 'content-type': r.pick(['application/octet-stream', 'text/plain', 'application/json', 'image/png']) } };
    case 6: return { payload: 'plain text body', headers: { 'content-type': r.pick(['text/plain', 'application/xml', 'application/json; charset=latin1', 'garbage/\u00ff']) } };
    default: return { headers: {} };
  }
}

const ROUTES: Array<{ method: FuzzRequest['method']; path: string }> = [
  { method: 'POST', path: '/api/executions' },
  { method: 'POST', path: '/api/users/check' },
  { method: 'GET', path: '/api/v1/customers' },
  { method: 'GET', path: '/api/v1/customers/{id}' },
  { method: 'GET', path: '/api/v1/programs' },
  { method: 'GET', path: '/api/v1/customer-programs' },
  { method: 'GET', path: '/api/v1/customer-programs/{id}' },
  { method: 'GET', path: '/api/v1/time-accounts' },
  { method: 'GET', path: '/api/v1/time-accounts/{id}' },
  { method: 'GET', path: '/api/v1/time-accounts/{id}/ledger' },
  { method: 'POST', path: '/api/v1/time-accounts/{id}/top-ups' },
  { method: 'GET', path: '/api/v1/executions' },
  { method: 'POST', path: '/api/v1/executions' },
  { method: 'GET', path: '/api/v1/executions/sums' },
  { method: 'GET', path: '/api/v1/executions/export.csv' },
  { method: 'GET', path: '/api/v1/executions/{id}' },
  { method: 'POST', path: '/api/v1/executions/{id}/payment-status' },
  { method: 'POST', path: '/api/v1/executions/{id}/revoke' },
  { method: 'GET', path: '/api/v1/complaints' },
  { method: 'POST', path: '/api/v1/complaints' },
  { method: 'GET', path: '/api/v1/complaints/{id}' },
  { method: 'POST', path: '/api/v1/complaints/{id}/comments' },
  { method: 'POST', path: '/api/v1/complaints/{id}/transitions' },
];

function randomRequest(r: Random, credentials: Credentials): FuzzRequest {
  const route = r.pick(ROUTES);
  const method = r.chance(0.1) ? r.pick(['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const) : route.method;
  const url = route.path.replace('{id}', () => encodePathSegment(r, credentials.ids)) + randomQuery(r);
  const body: Body = method === 'GET' || method === 'HEAD' ? { headers: {} } : randomBody(r, credentials);
  const headers = { ...body.headers };
  const auth = r.int(6);
  if (auth === 0) headers.authorization = `Bearer ${credentials.key}`;
  if (auth === 1) headers.authorization = `Bearer ${String(nastyValue(r)).replace(/[\r\n\u0000-\u001f\u007f-\uffff]/g, '')}`;
  if (auth === 2) headers.authorization = r.pick(['Bearer', 'Basic Zm9vOmJhcg==', 'Token x', 'bearer  ']);
  if (r.chance(0.2)) headers['idempotency-key'] = r.pick(['k', 'x'.repeat(300), '', randomUUID()]);
  if (r.chance(0.2)) headers.accept = r.pick(['text/html', 'application/json', '*/*', 'image/png']);
  if (r.chance(0.1)) headers['accept-language'] = r.pick(['en', 'de', 'xx', '*;q=abc']);
  return { method, url, headers, payload: body.payload };
}

/**
 * A few thousand generated malformed requests (fixed seed) against the bot API and the REST API: none may
 * crash the server (5xx), and every refusal is JSON in the transport's documented shape (issue 10).
 */
describeEachBackend(
  'fuzzing the bot API and the REST API',
  (h) => {
    it(`${REQUESTS_PER_BACKEND} malformed requests: no 5xx, every 4xx a JSON error in its API's shape`, async (t) => {
      const db = h().system.context.db.kysely;
      const app = await h().app();
      const world = await bookingWorld(db, { balanceSeconds: 1_000_000 });
      const manager = await person(db, { customerId: world.customerId, roles: ALL_ROLES });
      const managerKey = await apiKeyFor(db, manager.userId);
      const booked = await app.inject({
        method: 'POST',
        url: '/api/v1/executions',
        headers: { authorization: `Bearer ${managerKey.secret}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ customer_program_id: world.customerProgramId }),
      });
      assert.equal(booked.statusCode, 201, booked.body);
      const credentials = {
        key: managerKey.secret,
        userCode: manager.userCode,
        ids: [world.customerId, world.customerProgramId, world.timeAccountId!, booked.json().execution_id],
      };
      const r = generator(SEED);
      const statuses = new Map<number, number>();
      for (let i = 0; i < REQUESTS_PER_BACKEND; i++) {
        const request = randomRequest(r, credentials);
        const response = await app.inject(request);
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        const where = `request #${i} (seed ${SEED}): ${request.method} ${request.url.slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
        assert.ok(response.statusCode < 500, where);
        if (response.statusCode < 400 || request.method === 'HEAD') continue;
        assert.match(String(response.headers['content-type']), /application\/json/, where);
        const body = response.json() as Record<string, unknown>;
        if (request.url.startsWith('/api/v1/')) {
          const error = body.error as { code?: unknown; message?: unknown } | undefined;
          assert.ok(typeof error?.code === 'string' && typeof error.message === 'string', where);
        } else {
          assert.ok(typeof body.error === 'string' || typeof body.detail === 'string' || typeof (body.error as { code?: unknown })?.code === 'string', where);
        }
      }
      t.diagnostic(`status counts: ${JSON.stringify([...statuses].sort((a, b) => a[0] - b[0]))}`);
      // The generator must reach the handlers, not only the front door.
      assert.ok((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0) > 50, JSON.stringify([...statuses]));
      assert.ok((statuses.get(400) ?? 0) > 300, JSON.stringify([...statuses]));
    });
  },
  { settings: { NADOOIT_API_RATE_LIMIT_PER_MINUTE: '0' } },
);
