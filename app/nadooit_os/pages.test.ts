import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { useFixedClock } from '../../test/support/clock.js';
import { describeEachBackend } from '../../test/support/harness.js';
import { sha256Hex } from '../core/http/tokens.js';
import { appointApiKeyManager, verifyApiKey } from '../nadooit_api_key/services/index.js';
import { person } from '../nadooit_api_executions_system/testing/fixtures.js';
import { hasRole } from '../nadooit_hr/permissions.js';
import { contractOf } from '../nadooit_hr/services/contracts.js';
import { topUp } from '../nadooit_time_account/ledger.js';
import { customerTimeAccounts } from '../nadooit_time_account/services.js';
import { paths } from './paths.js';
import { clientAs } from './testing/session.js';
import { dashboardWorld } from './testing/world.js';
import type { DashboardWorld } from './testing/world.js';

const SYSTEM = { actorUserId: null, asStaff: true } as const;
const HX = { 'hx-request': 'true' };
// The start page's "this month" figures are those of this instant, whenever the test runs.
const NOW = useFixedClock();

describeEachBackend('NADOOIT OS pages', (h) => {
  let w: DashboardWorld;
  const db = () => h().system.context.db.kysely;
  const client = async (userId: string) => clientAs(await h().app(), db(), h().settings, userId);

  before(async () => {
    w = await dashboardWorld(db(), { now: NOW });
  });

  it('builds the navbar from the roles per customer (D11 fixed)', async () => {
    const boss = await (await client(w.boss.userId)).get(paths.home);
    for (const link of [paths.bookings, paths.timeAccounts, paths.programs, paths.employees, paths.addEmployee]) assert.match(boss.body, new RegExp(`href="${link}"`));
    for (const role of ['employee_manager', 'time_account_manager', 'customer_program_execution_manager', 'customer_program_manager'] as const) {
      assert.match(boss.body, new RegExp(`href="${paths.grant(role)}"`));
    }
    // An execution manager without the give ability sees bookings but no "Schlüssel freischalten" at all.
    const executions = await (await client(w.executions.userId)).get(paths.home);
    assert.match(executions.body, new RegExp(`href="${paths.bookings}"`));
    assert.doesNotMatch(executions.body, /Schlüssel freischalten/);
    assert.doesNotMatch(executions.body, new RegExp(`href="${paths.employees}"`));
    // A time-account manager who may give that role gets the entry under Zeitkonten only, not under HR.
    const ta = await person(db(), { customerId: w.a.customerId, displayName: 'Tina', roles: { time_account_manager: ['can_give_manager_role'] } });
    const taHome = await (await client(ta.userId)).get(paths.home);
    assert.match(taHome.body, new RegExp(`href="${paths.grant('time_account_manager')}"`));
    assert.doesNotMatch(taHome.body, new RegExp(`href="${paths.grant('employee_manager')}"`));
  });

  it('shows key figures per customer on the start page, only those the roles allow', async () => {
    const page = await (await client(w.executions.userId)).get(paths.home);
    const tile = new RegExp(`id="customer-${w.a.customerId}"[\\s\\S]*?key-figures[\\s\\S]*?</table>`).exec(page.body)![0];
    assert.match(tile, /Dieser Monat[\s\S]*Letzter Monat/);
    assert.match(tile, /Zeitersparnis/);
    assert.match(tile, /30 min/);
    assert.match(tile, /18,00 €/);
    assert.doesNotMatch(tile, /home-accounts/, 'no time-account role, no balances');
    const plain = await (await client(w.plain.userId)).get(paths.home);
    assert.doesNotMatch(plain.body, /key-figures/);
    assert.match(plain.body, /Keine Verwalterrolle/);
  });

  it('shows the profile with code, name, contracts and roles, and links to keys and sessions', async () => {
    const page = await (await client(w.boss.userId)).get(paths.profile);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Anna Alpha/);
    assert.match(page.body, new RegExp(w.boss.userCode));
    assert.match(page.body, /Alpha Logistik GmbH/);
    assert.match(page.body, /Kundenprogrammausführungsverwalter/);
    assert.match(page.body, /Rolle weitergeben/);
    assert.match(page.body, /href="\/auth\/keys"/);
    assert.match(page.body, /href="\/auth\/sessions"/);
  });

  it('speaks English when asked', async () => {
    const c = await client(w.executions.userId);
    const page = await c.get(paths.bookings, { 'accept-language': 'en' });
    assert.match(page.body, /Bookings overview/);
    assert.match(page.body, /10 min/);
    assert.match(page.body, /6\.00 €/);
  });

  it('adds an employee by user code for an allowed customer only, with the original banners', async () => {
    const c = await client(w.boss.userId);
    const newcomer = await person(db(), { displayName: 'Nora Neu' });
    const form = await c.get(paths.addEmployee);
    assert.match(form.body, /Alpha Logistik GmbH/);
    assert.doesNotMatch(form.body, /Beta Bau AG/);
    const bad = await c.post(paths.addEmployee, { customers: w.a.customerId, user_code: 'NOPE42' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Kein gültiger Benutzercode eingegeben/);
    const foreign = await c.post(paths.addEmployee, { customers: w.b.customerId, user_code: newcomer.userCode });
    assert.equal(foreign.statusCode, 403);
    assert.match(foreign.body, /Sie haben nicht die notwendige Berechtigung um einen Mitarbeiter für diesen Kunden hinzuzufügen/);
    assert.equal(await contractOf(db(), newcomer.employeeId, w.b.customerId), undefined);
    const ok = await c.post(paths.addEmployee, { customers: w.a.customerId, user_code: newcomer.userCode });
    assert.equal(ok.statusCode, 303);
    const after = await c.get(ok.headers.location as string);
    assert.match(after.body, /Schlüssel hinzugefügt!/);
    const overview = await c.get(paths.employees);
    assert.match(overview.body, /Nora Neu/);
  });

  it('deactivates and activates a contract with an htmx fragment, and without JavaScript', async () => {
    const c = await client(w.boss.userId);
    const contract = (await contractOf(db(), w.plain.employeeId, w.a.customerId))!;
    const off = await c.post(paths.deactivateContract(contract.id), {}, HX);
    assert.equal(off.statusCode, 200);
    assert.match(off.body, new RegExp(`^<td id="contract-${contract.id}"`));
    assert.match(off.body, /Vertrag aktivieren/);
    assert.equal(Boolean((await contractOf(db(), w.plain.employeeId, w.a.customerId))!.is_active), false);
    const on = await c.post(paths.activateContract(contract.id));
    assert.equal(on.statusCode, 303);
    assert.equal(Boolean((await contractOf(db(), w.plain.employeeId, w.a.customerId))!.is_active), true);
    // Without can_delete_employee the overview shows badges, not buttons.
    const viewer = await person(db(), { customerId: w.a.customerId, displayName: 'Hanna HR', roles: { employee_manager: ['can_add_new_employee'] } });
    const overview = await (await client(viewer.userId)).get(paths.employees);
    assert.doesNotMatch(overview.body, /Vertrag deaktivieren/);
    assert.equal((await (await client(viewer.userId)).post(paths.deactivateContract(contract.id), {}, HX)).statusCode, 403);
  });

  it('grants a role only with abilities the granter holds, shows the banner, and revokes', async () => {
    const granter = await person(db(), {
      customerId: w.a.customerId,
      displayName: 'Gerd Granter',
      roles: { customer_program_execution_manager: ['can_give_manager_role', 'can_create_customer_program_execution'] },
    });
    const c = await client(granter.userId);
    const page = paths.grant('customer_program_execution_manager');
    const form = await c.get(page);
    assert.match(form.body, /name="role" value="can_create_customer_program_execution"/);
    assert.doesNotMatch(form.body, /name="role" value="can_delete_customer_program_execution"/);
    // Revoke buttons only for abilities the granter holds: not for Erik's can_delete…, nor his whole role.
    const erik = new RegExp(`data-user-code="${w.executions.userCode}"[\\s\\S]*?</li>`).exec(form.body)![0];
    assert.match(erik, /name="ability" value="can_create_customer_program_execution"/);
    assert.doesNotMatch(erik, /name="ability" value="can_delete_customer_program_execution"/);
    assert.doesNotMatch(erik, /Rolle entziehen/);
    // D7 fixed: the form's `customers` field is what the server reads.
    const ok = await c.post(page, { customers: w.a.customerId, user_code: w.plain.userCode, role: ['can_create_customer_program_execution'] });
    assert.equal(ok.statusCode, 303);
    assert.match((await c.get(ok.headers.location as string)).body, /Schlüssel als Manager freigeschaltet!/);
    assert.equal(await hasRole(db(), w.plain.userId, w.a.customerId, 'customer_program_execution_manager', 'can_create_customer_program_execution'), true);
    const beyond = await c.post(page, { customers: w.a.customerId, user_code: w.plain.userCode, role: ['can_delete_customer_program_execution'] });
    assert.equal(beyond.statusCode, 403);
    assert.match(beyond.body, /nur Berechtigungen vergeben/);
    const badCode = await c.post(page, { customers: w.a.customerId, user_code: 'XXXXXX', role: [] });
    assert.match(badCode.body, /Kein gültiger Benutzercode eingegeben/);
    const badCustomer = await c.post(page, { customers: 'x', user_code: w.plain.userCode, role: [] });
    assert.match(badCustomer.body, /Kein gültiger Kunde eingegeben/);
    // The holder list shows the new holder; revoking the ability, then the role.
    assert.match((await c.get(page)).body, new RegExp(`data-user-code="${w.plain.userCode}"`));
    const revokeAbility = await c.post(`${page}/revoke`, { customer_id: w.a.customerId, employee_id: w.plain.employeeId, ability: 'can_create_customer_program_execution' });
    assert.equal(revokeAbility.statusCode, 303);
    assert.equal(await hasRole(db(), w.plain.userId, w.a.customerId, 'customer_program_execution_manager', 'can_create_customer_program_execution'), false);
    await c.post(`${page}/revoke`, { customer_id: w.a.customerId, employee_id: w.plain.employeeId });
    assert.equal(await hasRole(db(), w.plain.userId, w.a.customerId, 'customer_program_execution_manager'), false);
  });

  it('shows time accounts, pages the ledger, warns below the threshold and saves it', async () => {
    const [account] = await customerTimeAccounts(db(), w.a.customerId);
    for (let i = 0; i < 30; i++) await topUp(db(), { timeAccountId: account!.timeAccountId, seconds: 60, note: `Aufladung ${i}`, authorUserId: null });
    const c = await client(w.boss.userId);
    const overview = await c.get(paths.timeAccounts);
    assert.match(overview.body, /Übersicht der Zeitkonten/);
    assert.match(overview.body, /Hauptkonto/);
    assert.match(overview.body, /30 min/);
    const first = await c.get(paths.timeAccount(account!.timeAccountId));
    assert.equal((first.body.match(/data-entry-id=/g) ?? []).length, 25);
    const next = /href="([^"]*\?before=\d+)"/.exec(first.body)![1]!;
    const second = await c.get(next);
    assert.equal((second.body.match(/data-entry-id=/g) ?? []).length, 5);
    const ids = (page: string) => [...page.matchAll(/data-entry-id="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(new Set([...ids(first.body), ...ids(second.body)]).size, 30, 'no entry skipped or repeated');
    assert.doesNotMatch(overview.body, /Niedriger Kontostand/);
    const bad = await c.post(paths.timeAccountThreshold(account!.timeAccountId), { threshold_hours: 'viel' });
    assert.equal(bad.statusCode, 400);
    const saved = await c.post(paths.timeAccountThreshold(account!.timeAccountId), { threshold_hours: '1,5' });
    assert.equal(saved.statusCode, 303);
    const warned = await c.get(paths.timeAccounts);
    assert.match(warned.body, /Niedriger Kontostand/);
    assert.match(warned.body, /liegt unter der Warnschwelle \(1 h 30 min\)/);
  });

  it('names a time account by the id the REST API and the ledger use; a link with the label id is redirected, a foreign one refused', async () => {
    const [account] = await customerTimeAccounts(db(), w.a.customerId);
    const c = await client(w.boss.userId);
    const overview = await c.get(paths.timeAccounts);
    assert.ok(overview.body.includes(`href="${paths.timeAccount(account!.timeAccountId)}"`), 'the overview links the time-account id');
    assert.ok(overview.body.includes(`title="${account!.timeAccountId}"`), 'and shows it');
    const api = await c.get(`/api/v1/time-accounts/${account!.timeAccountId}`);
    assert.equal(api.statusCode, 200);
    assert.equal(JSON.parse(api.body).id, account!.timeAccountId);

    const old = await c.get(`${paths.timeAccount(account!.customerTimeAccountId)}?before=5`);
    assert.equal(old.statusCode, 301);
    assert.equal(old.headers.location, `${paths.timeAccount(account!.timeAccountId)}?before=5`);
    const [foreign] = await customerTimeAccounts(db(), w.b.customerId);
    assert.equal((await c.get(paths.timeAccount(foreign!.customerTimeAccountId))).statusCode, 403, 'no redirect reveals a foreign account');
    assert.equal((await c.get(paths.timeAccount(foreign!.timeAccountId))).statusCode, 403);
  });

  it('creates and deactivates time accounts where the time-account abilities allow', async () => {
    const c = await client(w.boss.userId);
    const form = await c.get(paths.timeAccounts);
    assert.match(form.body, /action="\/nadooit-os\/time-account\/create-customer-time-account"/);
    const empty = await c.post(paths.createTimeAccount, { customers: w.a.customerId, name: '', threshold_hours: '' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Kontonamen/);
    const foreign = await c.post(paths.createTimeAccount, { customers: w.b.customerId, name: 'Fremd', threshold_hours: '' });
    assert.equal(foreign.statusCode, 403);
    assert.equal((await customerTimeAccounts(db(), w.b.customerId)).some((a) => a.name === 'Fremd'), false);
    const created = await c.post(paths.createTimeAccount, { customers: w.a.customerId, name: 'Projektkonto', threshold_hours: '2' });
    assert.equal(created.statusCode, 303);
    const account = (await customerTimeAccounts(db(), w.a.customerId)).find((a) => a.name === 'Projektkonto')!;
    assert.equal(account.lowBalanceThresholdSeconds, 7200);
    assert.equal(account.balanceSeconds, 0);
    assert.equal((await c.post(`${paths.timeAccount(account.timeAccountId)}/deactivate`)).statusCode, 303);
    assert.equal((await customerTimeAccounts(db(), w.a.customerId)).find((a) => a.name === 'Projektkonto')!.isActive, false);
    // An execution manager has no time-account role at all.
    const other = await client(w.executions.userId);
    assert.equal((await other.post(`${paths.timeAccount(account.timeAccountId)}/activate`)).statusCode, 403);
  });

  it('shows program prices and the next tier price from the tier table (D13 fixed)', async () => {
    const c = await client(w.boss.userId);
    const page = await c.get(paths.programs);
    assert.match(page.body, /Rechnungseingang automatisiert/);
    assert.match(page.body, /0,01 €/); // fixed price per second
    assert.match(page.body, /3,00 €/); // 300 s default × 0,01 €
    assert.match(page.body, /Festpreis – unverändert/);
    const profile = await c.get(paths.program(w.a.customerProgramId));
    assert.equal(profile.statusCode, 200);
    assert.match(profile.body, /Letzte Ausführungen/);
    for (const id of w.bookingsA) assert.match(profile.body, new RegExp(id));
  });

  it('creates an API key shown exactly once, with copy button and curl example; revokes one and all', async () => {
    await appointApiKeyManager(db(), { ...SYSTEM, targetEmployeeId: w.boss.employeeId, customerIds: [w.a.customerId], abilities: ['can_create_api_key', 'can_delete_api_key'] });
    const c = await client(w.boss.userId);
    assert.equal((await c.get(paths.createApiKey)).statusCode, 200);
    const created = await c.post(paths.createApiKey, { name: 'Rechnungs-Bot', customer: w.a.customerId });
    assert.equal(created.statusCode, 200);
    assert.equal(created.headers['cache-control'], 'no-store');
    const secret = /id="new-api-key">([^<]+)</.exec(created.body)![1]!.trim();
    assert.match(secret, /^nadooit_[a-z2-9]{8}_/);
    assert.match(created.body, /data-copy-target="#new-api-key"/);
    assert.match(created.body, new RegExp(`curl -X POST http://[^ ]+/api/executions`));
    assert.match(created.body, new RegExp(`NADOOIT__USER_CODE=${w.boss.userCode}`));
    assert.match(created.body, new RegExp(`program_id=${w.a.customerProgramId}`));
    const stored = await db().selectFrom('api_keys').select(['id', 'key_hash']).where('key_hash', '=', sha256Hex(secret)).executeTakeFirst();
    assert.ok(stored, 'only the hash is stored');
    const list = await c.get(paths.apiKeys);
    assert.doesNotMatch(list.body, new RegExp(secret));
    assert.match(list.body, /Rechnungs-Bot/);
    const empty = await c.post(paths.createApiKey, { name: '' });
    assert.equal(empty.statusCode, 400);
    assert.equal((await c.post(paths.revokeApiKey(stored!.id))).statusCode, 303);
    assert.equal((await verifyApiKey(db(), secret)).ok, false);
    await c.post(paths.createApiKey, { name: 'Zweiter Bot' });
    const all = await c.post(paths.revokeAllApiKeys, { customer: '', confirmation: 'Anna Alpha' });
    assert.equal(all.statusCode, 303);
    assert.match((await c.get(all.headers.location as string)).body, /Ihre API-Schlüssel wurden gelöscht/);
    const active = await db().selectFrom('api_keys').select('id').where('user_id', '=', w.boss.userId).where('is_active', '=', true).execute();
    assert.equal(active.length, 0);
    // Without can_create_api_key: 403.
    assert.equal((await (await client(w.executions.userId)).get(paths.createApiKey)).statusCode, 403);
  });
});
