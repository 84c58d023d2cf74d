import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachBackend } from '../../test/support/harness.js';
import { TestClient } from '../../test/support/http.js';
import { createUser } from '../nadooit_auth/services/users.js';
import { executionById } from '../nadooit_api_executions_system/services/booking.js';
import { contractOf } from '../nadooit_hr/services/contracts.js';
import { hasRole } from '../nadooit_hr/permissions.js';
import { getCustomerProgram } from '../nadooit_program_ownership_system/services.js';
import { customerTimeAccounts } from '../nadooit_time_account/services.js';
import { GRANT_PAGES, paths } from './paths.js';
import { clientAs } from './testing/session.js';
import { dashboardWorld, employeeWithoutContract } from './testing/world.js';
import type { DashboardWorld } from './testing/world.js';

const HX = { 'hx-request': 'true' };

interface Ids {
  accountA: string;
  accountB: string;
  contractPlainA: string;
}

/** Every dashboard page that needs a role, with the role-holder of customer A as the one who may see it. */
const LIST_PAGES = [
  paths.bookings,
  paths.timeAccounts,
  paths.programs,
  paths.employees,
  paths.addEmployee,
  ...Object.values(GRANT_PAGES),
  paths.createApiKey,
  paths.apiKeyManagerGrant,
];

/** GET endpoints that address one of customer A's records (pages and htmx fragments). */
function aResources(w: DashboardWorld, ids: Ids): Array<{ url: string; htmx?: boolean }> {
  return [
    { url: paths.bookingsFragment('last20', w.a.customerId), htmx: true },
    { url: paths.bookingsFragment('thisyear', w.a.customerId) },
    { url: `${paths.bookingsFragment('thisyear', w.a.customerId)}/rows?cursor=x`, htmx: true },
    { url: paths.bookingsExport('thisyear', w.a.customerId) },
    { url: paths.complaintModal(w.bookingsA[0]!), htmx: true },
    { url: paths.complaintModal(w.bookingsA[0]!) },
    { url: paths.timeAccount(ids.accountA) },
    { url: paths.program(w.a.customerProgramId) },
  ];
}

describeEachBackend('NADOOIT OS role gates', (h) => {
  let w: DashboardWorld;
  let ids: Ids;
  const db = () => h().system.context.db.kysely;
  const client = async (userId: string) => clientAs(await h().app(), db(), h().settings, userId);

  before(async () => {
    w = await dashboardWorld(db());
    ids = {
      accountA: (await customerTimeAccounts(db(), w.a.customerId))[0]!.timeAccountId,
      accountB: (await customerTimeAccounts(db(), w.b.customerId))[0]!.timeAccountId,
      contractPlainA: (await contractOf(db(), w.plain.employeeId, w.a.customerId))!.id,
    };
  });

  it('sends anonymous visitors to the login page and back (htmx: HX-Redirect)', async () => {
    const anonymous = new TestClient(await h().app());
    for (const url of [paths.home, paths.profile, ...LIST_PAGES, ...aResources(w, ids).map((r) => r.url)]) {
      const page = await anonymous.get(url);
      assert.equal(page.statusCode, 303, url);
      assert.equal(page.headers.location, `/auth/login-user?next=${encodeURIComponent(url)}`, url);
    }
    const fragment = await anonymous.get(paths.bookingsFragment('last20', w.a.customerId), HX);
    assert.match(String(fragment.headers['hx-redirect']), /^\/auth\/login-user/);
    assert.doesNotMatch(fragment.body, /Alpha/);
    // POSTs without a session fail the CSRF check before anything else.
    const post = await anonymous.post(paths.sendComplaint(w.bookingsA[0]!), { complainttext: 'x' });
    assert.equal(post.statusCode, 403);
  });

  it('shows a helpful empty state to a user without Employee record, never an error (D10)', async () => {
    const c = await client(w.stranger.userId);
    const home = await c.get(paths.home);
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /id="os-empty-state"/);
    assert.match(home.body, /Noch kein Mitarbeiterkonto/);
    assert.match(home.body, new RegExp(w.stranger.userCode));
    const profile = await c.get(paths.profile);
    assert.equal(profile.statusCode, 200);
    assert.match(profile.body, /Sam Stranger/);
    for (const url of LIST_PAGES) {
      const page = await c.get(url);
      assert.equal(page.statusCode, 403, url);
      assert.match(page.body, /id="os-empty-state"/, url);
    }
  });

  it('explains a missing contract to an employee without one', async () => {
    const lonely = await createUser(db(), { displayName: 'Lonely' });
    await employeeWithoutContract(db(), lonely.id);
    const c = await client(lonely.id);
    const home = await c.get(paths.home);
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /Noch keinem Kunden zugeordnet/);
  });

  it('refuses every role page to an employee without that role (403 with an explanation)', async () => {
    const c = await client(w.plain.userId);
    const home = await c.get(paths.home);
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /Alpha Logistik GmbH/);
    for (const url of LIST_PAGES) {
      const page = await c.get(url);
      assert.equal(page.statusCode, 403, url);
      assert.match(page.body, /id="os-no-role"/, url);
    }
    for (const { url, htmx } of aResources(w, ids)) {
      const response = await c.get(url, htmx ? HX : {});
      assert.equal(response.statusCode, 403, url);
    }
  });

  it('refuses customer A\'s records to B\'s manager (403) and lists only B for them', async () => {
    const c = await client(w.other.userId);
    for (const { url, htmx } of aResources(w, ids)) {
      const response = await c.get(url, htmx ? HX : {});
      assert.equal(response.statusCode, 403, url);
      assert.doesNotMatch(response.body, /Alpha Logistik/, url);
    }
    for (const url of LIST_PAGES.filter((u) => u !== paths.createApiKey && u !== paths.apiKeyManagerGrant)) {
      const page = await c.get(url);
      assert.equal(page.statusCode, 200, url);
      assert.match(page.body, /Beta Bau AG/, url);
      assert.doesNotMatch(page.body, /Alpha Logistik/, url);
      for (const id of w.bookingsA) assert.doesNotMatch(page.body, new RegExp(id), url);
    }
  });

  it('lets A\'s manager see every page and record of A, and none of B', async () => {
    const c = await client(w.boss.userId);
    for (const url of LIST_PAGES.filter((u) => u !== paths.createApiKey && u !== paths.apiKeyManagerGrant)) {
      const page = await c.get(url);
      assert.equal(page.statusCode, 200, url);
      assert.match(page.body, /Alpha Logistik GmbH/, url);
      assert.doesNotMatch(page.body, /Beta Bau AG/, url);
      assert.doesNotMatch(page.body, /Bernd Beta/, url);
    }
    for (const { url, htmx } of aResources(w, ids)) {
      const response = await c.get(url, htmx ? HX : {});
      assert.equal(response.statusCode, 200, url);
    }
    const theirs = [
      paths.bookingsFragment('last20', w.b.customerId),
      paths.bookingsExport('last20', w.b.customerId),
      paths.complaintModal(w.bookingsB[0]!),
      paths.timeAccount(ids.accountB),
      paths.program(w.b.customerProgramId),
    ];
    for (const url of theirs) assert.equal((await c.get(url, HX)).statusCode, 403, url);
    for (const url of [paths.timeAccount(crypto.randomUUID()), paths.program(crypto.randomUUID()), paths.complaintModal('nope')]) {
      assert.equal((await c.get(url)).statusCode, 404, url);
    }
  });

  it('refuses writes on another customer\'s records and changes nothing', async () => {
    const c = await client(w.other.userId);
    const expect403 = async (response: LightMyRequestResponse, what: string) => assert.equal(response.statusCode, 403, `${what}: ${response.body.slice(0, 200)}`);
    await expect403(await c.post(paths.sendComplaint(w.bookingsA[0]!), { complainttext: 'x' }, HX), 'complaint');
    assert.equal((await executionById(db(), w.bookingsA[0]!))!.in_complaint, false);
    await expect403(await c.post(paths.timeAccountThreshold(ids.accountA), { threshold_hours: '1' }), 'threshold');
    await expect403(await c.post(`${paths.program(w.a.customerProgramId)}/deactivate`), 'deactivate program');
    assert.equal((await getCustomerProgram(db(), w.a.customerProgramId))!.is_active, true);
    await expect403(await c.post(paths.deactivateContract(ids.contractPlainA), {}, HX), 'deactivate contract (S5)');
    assert.equal(Boolean((await contractOf(db(), w.plain.employeeId, w.a.customerId))!.is_active), true);
    const grant = await c.post(paths.grant('customer_program_execution_manager'), {
      customers: w.a.customerId,
      user_code: w.other.userCode,
      role: ['can_give_manager_role'],
    });
    await expect403(grant, 'grant for a foreign customer (S6)');
    assert.equal(await hasRole(db(), w.other.userId, w.a.customerId, 'customer_program_execution_manager'), false);
    await expect403(
      await c.post(`${paths.grant('employee_manager')}/revoke`, { customer_id: w.a.customerId, employee_id: w.boss.employeeId }),
      'revoke on a foreign customer',
    );
    assert.equal(await hasRole(db(), w.boss.userId, w.a.customerId, 'employee_manager'), true);
    await expect403(await c.post(paths.revokeApiKey(w.a.key.id)), 'revoke a foreign API key');
  });

  it('answers htmx requests for unknown records with 404', async () => {
    const c = await client(w.boss.userId);
    const unknown = await c.get(paths.bookingsFragment('last20', crypto.randomUUID()), HX);
    assert.equal(unknown.statusCode, 404);
    const contract = await c.post(paths.deactivateContract(crypto.randomUUID()), {}, HX);
    assert.equal(contract.statusCode, 404);
  });
});
