import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../test/support/harness.js';
import { TestClient } from '../../test/support/http.js';
import { createStaff, staffLogin } from '../../test/e2e/admin-support.js';
import type { Permission } from '../core/admin/types.js';
import { fileComplaint } from '../nadoo_complaint_management/services.js';
import { bookExecution } from '../nadooit_api_executions_system/services/index.js';
import { apiKeyFor, bookingWorld, person } from '../nadooit_api_executions_system/testing/fixtures.js';
import { getOrCreateEmployee, grantRole } from '../nadooit_hr/services/index.js';

/**
 * Finding 4 of issue 10: staff authority through /api/v1 is the admin's permission model (per-model grants,
 * superusers everything), for sessions and for API keys alike; staff status alone widens nothing.
 */

const EXECUTIONS = 'nadooit_api_executions_system/executions';
const TIME_ACCOUNTS = 'nadooit_time_account/time_accounts';
const COMPLAINTS = 'nadoo_complaint_management/complaints';

/** One customer with a prepaid account, an unpaid booking and an open complaint about it. */
interface World {
  customerId: string;
  customerProgramId: string;
  timeAccountId: string;
  executionId: string;
  complaintId: string;
}

/** How a caller reaches /api/v1: a staff session (password + second factor) or an API key. */
type Caller = { session: TestClient } | { key: string };

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The same question asked of the admin (a page or action form a staff member opens) and of the REST API. */
interface Probe {
  name: string;
  admin(client: TestClient, w: World): Promise<boolean>;
  api(call: (method: 'GET' | 'POST', url: string, body?: unknown) => Promise<Answer>, w: World): Promise<boolean>;
}

const opens = async (client: TestClient, url: string) => (await client.get(url)).statusCode === 200;
const withInlines = async (client: TestClient, url: string, inlines: string[]) => {
  const page = await client.get(url);
  return page.statusCode === 200 && inlines.every((inline) => page.body.includes(`data-inline="${inline}"`));
};

const PROBES: Probe[] = [
  {
    name: 'read the customer',
    admin: (c, w) => opens(c, `/admin/nadooit_crm/customers/${w.customerId}/`),
    api: async (call, w) => (await call('GET', `/api/v1/customers/${w.customerId}`)).status === 200,
  },
  {
    name: 'read the customer program',
    admin: (c, w) => opens(c, `/admin/nadooit_program_ownership_system/customer_programs/${w.customerProgramId}/`),
    api: async (call, w) => (await call('GET', `/api/v1/customer-programs/${w.customerProgramId}`)).status === 200,
  },
  {
    name: 'read the booking',
    admin: (c, w) => opens(c, `/admin/${EXECUTIONS}/${w.executionId}/`),
    api: async (call, w) => (await call('GET', `/api/v1/executions/${w.executionId}`)).status === 200,
  },
  {
    name: "list the customer's bookings",
    admin: (c, w) => opens(c, `/admin/${EXECUTIONS}/?f.customer_id=${w.customerId}`),
    api: async (call, w) => (await call('GET', `/api/v1/executions?customer=${w.customerId}`)).body.items.length > 0,
  },
  {
    name: "read the booking's payment-status history",
    admin: (c, w) => withInlines(c, `/admin/${EXECUTIONS}/${w.executionId}/`, ['nadooit_api_executions_system.status_changes']),
    api: async (call, w) => {
      const answer = await call('GET', `/api/v1/executions/${w.executionId}`);
      return answer.status === 200 && Array.isArray(answer.body.status_history);
    },
  },
  {
    name: 'set the payment status',
    admin: (c, w) => opens(c, `/admin/${EXECUTIONS}/action?action=set_payment_status&ids=${w.executionId}`),
    api: async (call, w) => (await call('POST', `/api/v1/executions/${w.executionId}/payment-status`, { status: 'PAID' })).status === 200,
  },
  {
    name: 'read the time account',
    admin: (c, w) => opens(c, `/admin/${TIME_ACCOUNTS}/${w.timeAccountId}/`),
    api: async (call, w) => (await call('GET', `/api/v1/time-accounts/${w.timeAccountId}`)).status === 200,
  },
  {
    name: 'read the ledger',
    admin: (c, w) => opens(c, `/admin/nadooit_time_account/ledger_entries/?f.time_account_id=${w.timeAccountId}`),
    api: async (call, w) => (await call('GET', `/api/v1/time-accounts/${w.timeAccountId}/ledger`)).status === 200,
  },
  {
    name: 'top up the time account',
    admin: (c, w) => opens(c, `/admin/${TIME_ACCOUNTS}/action?action=top_up&ids=${w.timeAccountId}`),
    api: async (call, w) => (await call('POST', `/api/v1/time-accounts/${w.timeAccountId}/top-ups`, { seconds: 3600 })).status === 201,
  },
  {
    name: 'read the complaint',
    admin: (c, w) => opens(c, `/admin/${COMPLAINTS}/${w.complaintId}/`),
    api: async (call, w) => (await call('GET', `/api/v1/complaints/${w.complaintId}`)).status === 200,
  },
  {
    name: "read the complaint's history",
    admin: (c, w) => withInlines(c, `/admin/${COMPLAINTS}/${w.complaintId}/`, ['nadoo_complaint_management.events', 'nadoo_complaint_management.comments']),
    api: async (call, w) => {
      const answer = await call('GET', `/api/v1/complaints/${w.complaintId}`);
      return answer.status === 200 && Array.isArray(answer.body.history);
    },
  },
  {
    name: 'take the complaint on',
    admin: (c, w) => opens(c, `/admin/${COMPLAINTS}/action?action=start&ids=${w.complaintId}`),
    api: async (call, w) => (await call('POST', `/api/v1/complaints/${w.complaintId}/transitions`, { status: 'IN_PROGRESS' })).status === 200,
  },
];

type ProbeName = (typeof PROBES)[number]['name'];
const ALL = new Set(PROBES.map((p) => p.name));

/** Grants (admin resource key, permission) and what exactly they open — in the admin and in the API. */
const CASES: Array<{ grants: Array<[string, Permission]> | 'superuser'; opens: ProbeName[] }> = [
  { grants: [], opens: [] },
  { grants: [['nadooit_crm.customers', 'view']], opens: ['read the customer'] },
  { grants: [['nadooit_program_ownership_system.customer_programs', 'view']], opens: ['read the customer program'] },
  { grants: [['nadooit_api_executions_system.executions', 'view']], opens: ['read the booking', "list the customer's bookings"] },
  {
    grants: [
      ['nadooit_api_executions_system.executions', 'view'],
      ['nadooit_api_executions_system.status_changes', 'view'],
    ],
    opens: ['read the booking', "list the customer's bookings", "read the booking's payment-status history"],
  },
  { grants: [['nadooit_api_executions_system.executions', 'change']], opens: ['read the booking', "list the customer's bookings", 'set the payment status'] },
  { grants: [['nadooit_time_account.time_accounts', 'view']], opens: ['read the time account'] },
  { grants: [['nadooit_time_account.time_accounts', 'change']], opens: ['read the time account', 'top up the time account'] },
  { grants: [['nadooit_time_account.ledger_entries', 'view']], opens: ['read the ledger'] },
  { grants: [['nadoo_complaint_management.complaints', 'view']], opens: ['read the complaint'] },
  {
    grants: [
      ['nadoo_complaint_management.complaints', 'view'],
      ['nadoo_complaint_management.events', 'view'],
      ['nadoo_complaint_management.comments', 'view'],
    ],
    opens: ['read the complaint', "read the complaint's history"],
  },
  { grants: [['nadoo_complaint_management.complaints', 'change']], opens: ['read the complaint', 'take the complaint on'] },
  { grants: 'superuser', opens: [...ALL] },
];

describeEachBackend('REST API /api/v1: staff act through the admin permissions', (h) => {
  const db = () => h().system.context.db.kysely;
  let app: FastifyInstance;

  async function world(name: string): Promise<World> {
    const w = await bookingWorld(db(), { customerName: name, balanceSeconds: 0, pricePerSecond: 10_000 });
    const manager = await person(db(), { customerId: w.customerId, roles: { customer_program_execution_manager: [] } });
    const { execution } = await bookExecution(db(), { customerProgramId: w.customerProgramId, timeSavedSeconds: 100, maxTimeSavedSeconds: 86_400, userId: null });
    assert.equal(execution.payment_status, 'NOT_PAID');
    const complaint = await fileComplaint(db(), { actorUserId: manager.userId, executionId: execution.id, text: 'Doppelt gebucht' });
    return { customerId: w.customerId, customerProgramId: w.customerProgramId, timeAccountId: w.timeAccountId!, executionId: execution.id, complaintId: complaint.id };
  }

  function caller(who: Caller) {
    return async (method: 'GET' | 'POST', url: string, body?: unknown): Promise<Answer> => {
      const response =
        'session' in who
          ? await who.session.json(method, url, body)
          : await app.inject({
              method,
              url,
              headers: { authorization: `Bearer ${who.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
              payload: body === undefined ? undefined : JSON.stringify(body),
            });
      return { status: response.statusCode, body: response.json() };
    };
  }

  async function staffMember(grants: Array<[string, Permission]> | 'superuser') {
    const staff = await createStaff(db(), h().settings, grants === 'superuser' ? { superuser: true } : { grants });
    return { id: staff.id, session: await staffLogin(app, staff), key: (await apiKeyFor(db(), staff.id)).secret };
  }

  const balance = async (w: World) =>
    Number((await db().selectFrom('ta_time_accounts').select('balance_seconds').where('id', '=', w.timeAccountId).executeTakeFirstOrThrow()).balance_seconds);
  const paymentStatus = async (w: World) =>
    (await db().selectFrom('ex_executions').select('payment_status').where('id', '=', w.executionId).executeTakeFirstOrThrow()).payment_status;
  const complaintStatus = async (w: World) =>
    (await db().selectFrom('cm_complaints').select('status').where('id', '=', w.complaintId).executeTakeFirstOrThrow()).status;

  it('staff without grants: 403 on top-up, payment status and complaint decisions, nothing of any customer to read, nothing changed', async () => {
    app = await h().app();
    const w = await world('Fremdkunde');
    const staff = await staffMember([]);
    for (const call of [caller({ session: staff.session }), caller({ key: staff.key })]) {
      const topUp = await call('POST', `/api/v1/time-accounts/${w.timeAccountId}/top-ups`, { seconds: 36_000, note: 'gratis' });
      assert.deepEqual([topUp.status, topUp.body.error.code], [403, 'forbidden']);
      const paid = await call('POST', `/api/v1/executions/${w.executionId}/payment-status`, { status: 'PAID' });
      assert.deepEqual([paid.status, paid.body.error.code], [403, 'permission_denied']);
      assert.equal((await call('POST', `/api/v1/executions/${w.executionId}/payment-status`, { status: 'REVOKED' })).status, 403);
      assert.equal((await call('POST', `/api/v1/complaints/${w.complaintId}/transitions`, { status: 'IN_PROGRESS' })).status, 403);
      assert.equal((await call('POST', `/api/v1/complaints/${w.complaintId}/comments`, { text: 'Wir prüfen das.' })).status, 403);
      assert.equal((await call('POST', `/api/v1/executions/${w.executionId}/revoke`, {})).status, 404);
      assert.equal((await call('POST', '/api/v1/executions', { customer_program_id: w.customerProgramId })).status, 404);
      assert.equal((await call('POST', '/api/v1/complaints', { execution_id: w.executionId, text: 'noch eine' })).status, 403);

      for (const url of ['/api/v1/customers', '/api/v1/programs', '/api/v1/customer-programs', '/api/v1/time-accounts', '/api/v1/executions', '/api/v1/complaints']) {
        const list = await call('GET', url);
        assert.deepEqual([list.status, list.body.items], [200, []], url);
      }
      assert.deepEqual((await call('GET', `/api/v1/executions?customer=${w.customerId}`)).body.items, []);
      assert.equal((await call('GET', '/api/v1/executions/sums')).body.count, 0);
      for (const url of [`/api/v1/customers/${w.customerId}`, `/api/v1/executions/${w.executionId}`, `/api/v1/time-accounts/${w.timeAccountId}`, `/api/v1/time-accounts/${w.timeAccountId}/ledger`]) {
        assert.equal((await call('GET', url)).status, 404, url);
      }
      assert.equal((await call('GET', `/api/v1/complaints/${w.complaintId}`)).status, 403);
    }
    assert.equal(await balance(w), 0);
    assert.equal(await paymentStatus(w), 'NOT_PAID');
    assert.equal(await complaintStatus(w), 'OPEN');
    const ledger = await db().selectFrom('ta_ledger_entries').select('kind').where('time_account_id', '=', w.timeAccountId).where('kind', '=', 'top_up').execute();
    assert.equal(ledger.length, 0);
  });

  it('each grant opens in the API exactly what it opens in the admin (session and API key alike); superusers everything', async () => {
    app = await h().app();
    for (const { grants, opens: expected } of CASES) {
      const label = grants === 'superuser' ? 'superuser' : JSON.stringify(grants);
      const staff = await staffMember(grants);
      const viaSession = await world(`Kunde ${label} Sitzung`);
      const viaKey = await world(`Kunde ${label} Schlüssel`);
      for (const probe of PROBES) {
        const want = expected.includes(probe.name);
        assert.equal(await probe.admin(staff.session, viaSession), want, `admin, ${label}: ${probe.name}`);
        assert.equal(await probe.api(caller({ session: staff.session }), viaSession), want, `API session, ${label}: ${probe.name}`);
        assert.equal(await probe.api(caller({ key: staff.key }), viaKey), want, `API key, ${label}: ${probe.name}`);
      }
    }
  });

  it('a granted write does what the admin action does: top-up in the ledger, payment status, complaint decision', async () => {
    app = await h().app();
    const w = await world('Gewährt');
    const staff = await staffMember([
      ['nadooit_time_account.time_accounts', 'change'],
      ['nadooit_api_executions_system.executions', 'change'],
      ['nadoo_complaint_management.complaints', 'change'],
    ]);
    const call = caller({ session: staff.session });
    const topUp = await call('POST', `/api/v1/time-accounts/${w.timeAccountId}/top-ups`, { seconds: 3600, note: 'Paket S', reference: 'RE-1' });
    assert.deepEqual([topUp.status, topUp.body.balance_seconds], [201, 3600]);
    const entry = await db().selectFrom('ta_ledger_entries').selectAll().where('id', '=', topUp.body.entry_id).executeTakeFirstOrThrow();
    assert.deepEqual([entry.kind, entry.seconds, entry.author_user_id], ['top_up', 3600, staff.id]);
    assert.deepEqual((await call('POST', `/api/v1/executions/${w.executionId}/payment-status`, { status: 'PAID' })).body, { payment_status: 'PAID', credited_seconds: 0 });
    assert.equal((await call('POST', `/api/v1/complaints/${w.complaintId}/transitions`, { status: 'IN_PROGRESS' })).body.status, 'IN_PROGRESS');
    assert.deepEqual([await balance(w), await paymentStatus(w), await complaintStatus(w)], [3600, 'PAID', 'IN_PROGRESS']);
  });

  it('staff without grants keep the customer roles they hold as a person, and nothing more', async () => {
    app = await h().app();
    const own = await world('Eigener Kunde');
    const other = await world('Anderer Kunde');
    const staff = await staffMember([]);
    const employee = await getOrCreateEmployee(db(), staff.id);
    await grantRole(db(), { actorUserId: null, asStaff: true, targetEmployeeId: employee.id, customerId: own.customerId, role: 'customer_program_execution_manager', abilities: [] });
    for (const call of [caller({ session: staff.session }), caller({ key: staff.key })]) {
      const items = (await call('GET', '/api/v1/executions?limit=500')).body.items as Array<{ customer_id: string }>;
      assert.ok(items.length > 0 && items.every((x) => x.customer_id === own.customerId));
      const mine = await call('GET', `/api/v1/executions/${own.executionId}`);
      assert.equal(mine.status, 200);
      assert.ok(Array.isArray(mine.body.status_history), 'an execution manager sees the history of their bookings');
      assert.equal((await call('GET', `/api/v1/executions/${other.executionId}`)).status, 404);
      assert.deepEqual((await call('GET', '/api/v1/complaints')).body.items.map((c: { id: string }) => c.id), [own.complaintId]);
      assert.equal((await call('GET', `/api/v1/complaints/${other.complaintId}`)).status, 403);
      assert.equal((await call('POST', `/api/v1/executions/${own.executionId}/payment-status`, { status: 'PAID' })).status, 403);
      assert.equal((await call('POST', `/api/v1/complaints/${own.complaintId}/transitions`, { status: 'IN_PROGRESS' })).status, 403);
      assert.equal((await call('POST', `/api/v1/time-accounts/${own.timeAccountId}/top-ups`, { seconds: 60 })).status, 403);
    }
    // The admin does not count customer roles at all.
    assert.equal((await staff.session.get(`/admin/${EXECUTIONS}/${own.executionId}/`)).statusCode, 403);
    assert.deepEqual([await paymentStatus(own), await complaintStatus(own), await balance(own)], ['NOT_PAID', 'OPEN', 0]);
  });

  it("a superuser's key issued for one customer acts for that customer only, staff actions included", async () => {
    app = await h().app();
    const mine = await world('Kunde des Schlüssels');
    const other = await world('Kunde ohne Schlüssel');
    const superuser = await createStaff(db(), h().settings, { superuser: true });
    const call = caller({ key: (await apiKeyFor(db(), superuser.id, mine.customerId)).secret });
    assert.equal((await call('POST', `/api/v1/time-accounts/${other.timeAccountId}/top-ups`, { seconds: 60 })).status, 404);
    assert.equal((await call('POST', `/api/v1/executions/${other.executionId}/payment-status`, { status: 'PAID' })).status, 404);
    assert.equal((await call('POST', `/api/v1/complaints/${other.complaintId}/transitions`, { status: 'IN_PROGRESS' })).status, 403);
    assert.deepEqual([await balance(other), await paymentStatus(other), await complaintStatus(other)], [0, 'NOT_PAID', 'OPEN']);
    assert.equal((await call('POST', `/api/v1/time-accounts/${mine.timeAccountId}/top-ups`, { seconds: 60 })).status, 201);
    assert.equal((await call('POST', `/api/v1/executions/${mine.executionId}/payment-status`, { status: 'PAID' })).status, 200);
  });

  it('a staff session without the second factor has no staff authority, even as superuser', async () => {
    app = await h().app();
    const w = await world('Ohne zweiten Faktor');
    const superuser = await createStaff(db(), h().settings, { superuser: true });
    const session = new TestClient(app);
    await session.get('/auth/staff-login');
    const first = await session.post('/auth/staff-login', { username: superuser.username, password: superuser.password });
    assert.equal(first.statusCode, 302);
    await session.get(String(first.headers.location));
    const call = caller({ session });
    const topUp = await call('POST', `/api/v1/time-accounts/${w.timeAccountId}/top-ups`, { seconds: 60 });
    assert.ok([401, 403].includes(topUp.status), String(topUp.status));
    assert.equal(await balance(w), 0);
  });
});
