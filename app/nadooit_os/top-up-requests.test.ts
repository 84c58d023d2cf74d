import { beforeEach, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { TestClient } from '../../test/support/http.js';
import { createStaff, staffLogin } from '../../test/e2e/admin-support.js';
import { person } from '../nadooit_api_executions_system/testing/fixtures.js';
import { balanceOf, ledgerEntries, verifyLedger } from '../nadooit_time_account/ledger.js';
import { customerTimeAccounts } from '../nadooit_time_account/services.js';
import type { CustomerTimeAccountView } from '../nadooit_time_account/services.js';
import { topUpRequestsOf } from '../nadooit_time_account/top-up-requests.js';
import { paths } from './paths.js';
import { clientAs } from './testing/session.js';
import { dashboardWorld } from './testing/world.js';
import type { DashboardWorld } from './testing/world.js';

const ADMIN = '/admin/nadooit_time_account/top_up_requests/';

describeEachBackend('NADOOIT OS top-up requests (dashboard → admin → dashboard)', (h) => {
  let w: DashboardWorld;
  let account: CustomerTimeAccountView;
  const db = () => h().system.context.db.kysely;
  const client = async (userId: string) => clientAs(await h().app(), db(), h().settings, userId);
  const requests = () => topUpRequestsOf(db(), account.customerTimeAccountId);
  const decide = async (staff: TestClient, action: 'approve' | 'reject', id: string, form: Record<string, string> = {}) =>
    staff.post(`${ADMIN}action`, { action, ids: id, confirm: '1', ...form });

  // Each test gets its own customers and account: the requests one test makes are no other test's business.
  beforeEach(async () => {
    w = await dashboardWorld(db());
    account = (await customerTimeAccounts(db(), w.a.customerId))[0]!;
  });

  it('a time-account manager with can_create_time_accounts requests a top-up and sees it as open', async () => {
    const c = await client(w.boss.userId);
    const page = await c.get(paths.timeAccount(account.timeAccountId));
    assert.match(page.body, /Aufladung anfragen/);
    assert.match(page.body, /Noch keine Aufladeanfragen/);
    const sent = await c.post(paths.timeAccountTopUpRequest(account.timeAccountId), { hours: '2,5', seconds: '30', note: 'Bestellung 4711' });
    assert.equal(sent.statusCode, 303);
    const after = await c.get(String(sent.headers.location).replace(/#.*$/, ''));
    assert.match(after.body, /Ihre Aufladeanfrage wurde an NADOOIT gesendet/);
    const row = new RegExp(`<tr data-request-id="[^"]+" data-status="open">[\\s\\S]*?</tr>`).exec(after.body)![0];
    assert.match(row, /2 h 30 min/);
    assert.match(row, /Bestellung 4711/);
    assert.match(row, /Anna Alpha/);
    assert.match(row, /Offen/);
    const overview = await c.get(paths.timeAccounts);
    assert.match(overview.body, /Aufladung angefragt: 2 h 30 min/);
    const english = await c.get(paths.timeAccount(account.timeAccountId), { 'accept-language': 'en' });
    assert.match(english.body, /Top-up requests/);
    assert.match(english.body, /Request a top-up/);
    assert.equal(await balanceOf(db(), account.timeAccountId), 0, 'a request credits nothing');
  });

  it('checks the amount on the server and re-renders the form with the message (400)', async () => {
    const c = await client(w.boss.userId);
    const count = (await requests()).length;
    const bad = await c.post(paths.timeAccountTopUpRequest(account.timeAccountId), { hours: 'viel', seconds: '', note: 'x' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Bitte eine Zahl von Stunden eingeben/);
    assert.match(bad.body, /value="viel"/);
    const nothing = await c.post(paths.timeAccountTopUpRequest(account.timeAccountId), { hours: '', seconds: '0', note: '' });
    assert.equal(nothing.statusCode, 400);
    assert.match(nothing.body, /Bitte eine Menge größer 0 angeben/);
    const huge = await c.post(paths.timeAccountTopUpRequest(account.timeAccountId), { hours: '999999', seconds: '', note: '' });
    assert.equal(huge.statusCode, 400);
    assert.match(huge.body, /zwischen 1 Sekunde und 100000 Stunden/);
    assert.equal((await requests()).length, count);
  });

  it('refuses managers without the ability, other customers’ managers, other roles and anonymous visitors', async () => {
    const count = (await requests()).length;
    const url = paths.timeAccountTopUpRequest(account.timeAccountId);
    const limited = await person(db(), { customerId: w.a.customerId, displayName: 'Lena Limit', roles: { time_account_manager: ['can_delete_time_accounts'] } });
    const lc = await client(limited.userId);
    const page = await lc.get(paths.timeAccount(account.timeAccountId));
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /Aufladung anfragen/);
    assert.match(page.body, /Aufladeanfragen/, 'every time-account manager sees the requests');
    const refused = await lc.post(url, { hours: '1', seconds: '', note: '' });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /keine Aufladung anfragen/);
    assert.equal((await (await client(w.other.userId)).post(url, { hours: '1', seconds: '', note: '' })).statusCode, 403);
    assert.equal((await (await client(w.executions.userId)).post(url, { hours: '1', seconds: '', note: '' })).statusCode, 403);
    // Without a session the CSRF check refuses the POST before anything else (as every dashboard POST).
    assert.equal((await new TestClient(await h().app()).post(url, { hours: '1' })).statusCode, 403);
    assert.equal((await (await client(w.boss.userId)).post(paths.timeAccountTopUpRequest(crypto.randomUUID()), { hours: '1' })).statusCode, 404);
    assert.equal((await requests()).length, count);
  });

  it('staff approve in the admin (credited once) or reject with a reason; the dashboard shows each decision', async () => {
    const c = await client(w.boss.userId);
    await c.post(paths.timeAccountTopUpRequest(account.timeAccountId), { hours: '2,5', seconds: '30', note: 'Bestellung 4711' });
    await c.post(paths.timeAccountTopUpRequest(account.timeAccountId), { hours: '', seconds: '600', note: 'Abzulehnen' });
    const all = await requests();
    const rejectMe = all.find((r) => r.note === 'Abzulehnen');
    const approveMe = all.find((r) => r.note === 'Bestellung 4711');
    const staff = await staffLogin(await h().app(), await createStaff(db(), h().settings, { superuser: true }));
    const open = await staff.get(`${ADMIN}?f.status=open`);
    assert.equal(open.statusCode, 200);
    assert.match(open.body, new RegExp(approveMe!.id));
    assert.equal((await staff.get(`${ADMIN}${approveMe!.id}/`)).statusCode, 200);
    const viewer = await staffLogin(await h().app(), await createStaff(db(), h().settings, { grants: [['nadooit_time_account.top_up_requests', 'view']] }));
    assert.equal((await decide(viewer, 'approve', approveMe!.id)).statusCode, 403, 'view permission does not decide');

    assert.equal((await decide(staff, 'approve', approveMe!.id)).statusCode, 303);
    const balance = await balanceOf(db(), account.timeAccountId);
    assert.equal(balance, 9030);
    const again = await decide(staff, 'approve', approveMe!.id);
    assert.equal(again.statusCode, 422);
    assert.match(again.body, /bereits entschieden/);
    assert.equal(await balanceOf(db(), account.timeAccountId), balance, 'credited exactly once');

    const noReason = await decide(staff, 'reject', rejectMe!.id, { reason: '' });
    assert.equal(noReason.statusCode, 422);
    assert.equal((await decide(staff, 'reject', rejectMe!.id, { reason: 'Keine Bestellung eingegangen' })).statusCode, 303);
    assert.equal(await balanceOf(db(), account.timeAccountId), balance, 'a rejection credits nothing');
    assert.deepEqual(await verifyLedger(db()), []);

    const page = await c.get(paths.timeAccount(account.timeAccountId));
    assert.match(new RegExp(`data-request-id="${approveMe!.id}" data-status="approved">[\\s\\S]*?</tr>`).exec(page.body)![0], /Genehmigt/);
    const rejected = new RegExp(`data-request-id="${rejectMe!.id}" data-status="rejected">[\\s\\S]*?</tr>`).exec(page.body)![0];
    assert.match(rejected, /Abgelehnt/);
    assert.match(rejected, /Keine Bestellung eingegangen/);
    const [entry] = await ledgerEntries(db(), account.timeAccountId, { limit: 1 });
    assert.deepEqual([entry!.kind, Number(entry!.seconds), entry!.reference, entry!.note], ['top_up', 9030, approveMe!.id, 'Bestellung 4711']);
    assert.match(page.body, new RegExp(`data-entry-id="${entry!.id}"`));
    assert.doesNotMatch((await c.get(paths.timeAccounts)).body, /Aufladung angefragt/, 'no open request left');
  });
});
