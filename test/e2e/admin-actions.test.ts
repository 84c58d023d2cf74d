import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { addCredential } from '../../app/nadooit_auth/services/credentials.js';
import { fileComplaint } from '../../app/nadoo_complaint_management/services.js';
import { bookingWorld, legacyForm, person } from '../../app/nadooit_api_executions_system/testing/fixtures.js';
import type { BookingWorld } from '../../app/nadooit_api_executions_system/testing/fixtures.js';
import { MANAGER_ROLE_NAMES } from '../../app/nadooit_hr/roles.js';
import { describeEachBackend } from '../support/harness.js';
import type { TestClient } from '../support/http.js';
import { auditOf, createStaff, staffLogin } from './admin-support.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describeEachBackend('admin domain actions', (h) => {
  const db = () => h().system.context.db.kysely;
  const superuser = async () => staffLogin(await h().app(), await createStaff(db(), h().settings, { superuser: true }));
  const balance = async (world: BookingWorld) =>
    Number((await db().selectFrom('ta_time_accounts').select('balance_seconds').where('id', '=', world.timeAccountId!).executeTakeFirstOrThrow()).balance_seconds);
  const book = async (app: FastifyInstance, world: BookingWorld) => {
    const response = await app.inject({ method: 'POST', url: '/api/executions', payload: legacyForm(world), headers: FORM });
    assert.equal(response.statusCode, 200, response.body);
    return String(response.json().execution_id);
  };
  const run = (client: TestClient, resource: string, action: string, ids: string | string[], form: Record<string, string> = {}) =>
    client.post(`/admin/${resource}/action`, { action, ids, confirm: '1', ...form });

  it('tops up and corrects a time account through the ledger, with reason and author', async () => {
    const client = await superuser();
    const world = await bookingWorld(db(), { balanceSeconds: 100 });
    const form = await client.get(`/admin/nadooit_time_account/time_accounts/action?action=top_up&ids=${world.timeAccountId}`);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /name="hours"/);
    const topUp = await run(client, 'nadooit_time_account/time_accounts', 'top_up', world.timeAccountId!, { hours: '1', seconds: '30', note: 'Paket S', reference: 'RE-2025-17' });
    assert.equal(topUp.statusCode, 303);
    assert.equal(await balance(world), 100 + 3630);
    const entry = await db().selectFrom('ta_ledger_entries').selectAll().where('time_account_id', '=', world.timeAccountId!).where('kind', '=', 'top_up').executeTakeFirstOrThrow();
    assert.deepEqual([entry.seconds, entry.balance_after, entry.note, entry.reference], [3630, 3730, 'Paket S', 'RE-2025-17']);
    const [audit] = await auditOf(db(), 'nadooit_time_account.time_accounts', world.timeAccountId!);
    assert.equal(audit!.action_name, 'top_up');
    assert.equal(JSON.parse(audit!.before!).balance_seconds, 100);
    assert.equal(JSON.parse(audit!.after!).balance_seconds, 3730);
    assert.equal(JSON.parse(audit!.input!).reference, 'RE-2025-17');

    const zero = await run(client, 'nadooit_time_account/time_accounts', 'top_up', world.timeAccountId!, { hours: '', seconds: '' });
    assert.equal(zero.statusCode, 422);
    const noReason = await run(client, 'nadooit_time_account/time_accounts', 'correct', world.timeAccountId!, { seconds: '-30' });
    assert.equal(noReason.statusCode, 422);
    assert.match(noReason.body, /data-field="reason"[\s\S]*?Dieses Feld ist erforderlich/);
    const negative = await run(client, 'nadooit_time_account/time_accounts', 'correct', world.timeAccountId!, { hours: '-2', reason: 'Doppelt gebucht' });
    assert.equal(negative.statusCode, 422);
    assert.match(negative.body, /ins Minus/);
    assert.equal(await balance(world), 3730, 'a refused correction changes nothing');
    const fix = await run(client, 'nadooit_time_account/time_accounts', 'correct', world.timeAccountId!, { seconds: '-730', reason: 'Doppelt gebucht' });
    assert.equal(fix.statusCode, 303);
    assert.equal(await balance(world), 3000);
    const correction = await db().selectFrom('ta_ledger_entries').selectAll().where('kind', '=', 'correction').where('time_account_id', '=', world.timeAccountId!).executeTakeFirstOrThrow();
    assert.deepEqual([correction.seconds, correction.note], [-730, 'Doppelt gebucht']);
    assert.equal((await auditOf(db(), 'nadooit_time_account.time_accounts', world.timeAccountId!)).length, 2);
  });

  it('sets payment statuses through the transition table and refunds exactly the drawn seconds', async () => {
    const app = await h().app();
    const client = await superuser();
    const world = await bookingWorld(db(), { balanceSeconds: 100, defaultSeconds: 300 });
    const id = await book(app, world);
    assert.equal(await balance(world), 0);
    const paid = await run(client, 'nadooit_api_executions_system/executions', 'set_payment_status', id, { status: 'PAID' });
    assert.equal(paid.statusCode, 303);
    const back = await run(client, 'nadooit_api_executions_system/executions', 'set_payment_status', id, { status: 'NOT_PAID' });
    assert.equal(back.statusCode, 422);
    assert.match(back.body, /kann nicht von PAID auf NOT_PAID/);
    const refund = await run(client, 'nadooit_api_executions_system/executions', 'refund', id, { note: 'Kulanz' });
    assert.equal(refund.statusCode, 303);
    const row = await db().selectFrom('ex_executions').select(['payment_status', 'covered_seconds']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.payment_status, 'REFUNDED');
    assert.equal(await balance(world), 100, 'only the 100 covered seconds go back, not the 300 of the run');
    const entries = await auditOf(db(), 'nadooit_api_executions_system.executions', id);
    assert.deepEqual(entries.map((e) => [e.action_name, JSON.parse(e.after!).payment_status]), [
      ['set_payment_status', 'PAID'],
      ['refund', 'REFUNDED'],
    ]);
    const again = await run(client, 'nadooit_api_executions_system/executions', 'refund', id);
    assert.equal(again.statusCode, 422);
    assert.equal(await balance(world), 100);
  });

  it('deletes with refund: the drawn seconds go back, the row goes, the audit keeps it', async () => {
    const app = await h().app();
    const client = await superuser();
    const world = await bookingWorld(db(), { balanceSeconds: 1000, defaultSeconds: 300 });
    const first = await book(app, world);
    const second = await book(app, world);
    assert.equal(await balance(world), 400);
    const confirm = await client.post('/admin/nadooit_api_executions_system/executions/action', { action: 'delete_with_refund', ids: [first, second] });
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /Rechnungseingang automatisiert · Müller Logistik GmbH/);
    const done = await run(client, 'nadooit_api_executions_system/executions', 'delete_with_refund', [first, second]);
    assert.equal(done.statusCode, 303);
    assert.equal(await balance(world), 1000);
    assert.equal((await db().selectFrom('ex_executions').select('id').where('id', 'in', [first, second]).execute()).length, 0);
    const [entry] = await auditOf(db(), 'nadooit_api_executions_system.executions', first);
    assert.equal(entry!.action_name, 'delete_with_refund');
    assert.equal(JSON.parse(entry!.before!).time_saved_seconds, 300);
    assert.equal(entry!.after, null);
  });

  it('handles a complaint: start, comment, accept (booking cancelled, seconds credited)', async () => {
    const app = await h().app();
    const client = await superuser();
    const world = await bookingWorld(db(), { balanceSeconds: 1000, defaultSeconds: 300 });
    const execution = await book(app, world);
    const complaint = await fileComplaint(db(), { actorUserId: null, asStaff: true, executionId: execution, text: 'Bot lief zweimal' });
    const resource = 'nadoo_complaint_management/complaints';
    assert.equal((await run(client, resource, 'accept', complaint.id)).statusCode, 422, 'OPEN cannot be accepted directly');
    assert.equal((await run(client, resource, 'start', complaint.id, { note: 'Wir prüfen' })).statusCode, 303);
    assert.equal((await run(client, resource, 'comment', complaint.id, { text: 'Log angefordert' })).statusCode, 303);
    assert.equal((await run(client, resource, 'accept', complaint.id, { note: 'Doppelt gelaufen' })).statusCode, 303);
    const row = await db().selectFrom('cm_complaints').select(['status', 'resolution_note']).where('id', '=', complaint.id).executeTakeFirstOrThrow();
    assert.deepEqual([row.status, row.resolution_note], ['ACCEPTED', 'Doppelt gelaufen']);
    assert.equal((await db().selectFrom('ex_executions').select('payment_status').where('id', '=', execution).executeTakeFirstOrThrow()).payment_status, 'REFUNDED', 'a fully covered booking is PAID, so cancelling refunds it');
    assert.equal(await balance(world), 1000);
    const detail = await client.get(`/admin/${resource}/${complaint.id}/`);
    assert.match(detail.body, /Log angefordert/);
    assert.match(detail.body, /data-inline="nadoo_complaint_management.events"/);
    assert.deepEqual((await auditOf(db(), 'nadoo_complaint_management.complaints', complaint.id)).map((e) => e.action_name), ['start', 'comment', 'accept']);
  });

  it('creates a customer with its first managers in one step, or not at all', async () => {
    const client = await superuser();
    const manager = await person(db(), { displayName: 'Erste Verwalterin' });
    const refused = await client.post('/admin/nadooit_crm/customers/add', { name: 'Neu GmbH', time_zone: 'Europe/Berlin', is_active: 'on', first_managers: `${manager.userCode}\nNOPE99` });
    assert.equal(refused.statusCode, 422);
    assert.match(refused.body, /data-field="first_managers"[\s\S]*?Kein gültiger Benutzercode eingegeben/);
    assert.equal((await db().selectFrom('crm_customers').select('id').where('name', '=', 'Neu GmbH').execute()).length, 0, 'nothing half-created');
    const created = await client.post('/admin/nadooit_crm/customers/add', { name: 'Neu GmbH', time_zone: 'Europe/Berlin', is_active: 'on', first_managers: manager.userCode });
    assert.equal(created.statusCode, 303);
    const customer = await db().selectFrom('crm_customers').select('id').where('name', '=', 'Neu GmbH').executeTakeFirstOrThrow();
    const contract = await db().selectFrom('hr_employee_contracts').selectAll().where('customer_id', '=', customer.id).where('employee_id', '=', manager.employeeId).executeTakeFirstOrThrow();
    assert.equal(contract.is_active, true);
    const grants = await db().selectFrom('hr_role_changes').select(['role', 'ability']).where('customer_id', '=', customer.id).execute();
    assert.deepEqual([...new Set(grants.map((g) => g.role))].sort(), [...MANAGER_ROLE_NAMES].sort());
    const emc = await db().selectFrom('hr_employee_manager_contracts').selectAll().where('contract_id', '=', contract.id).executeTakeFirstOrThrow();
    assert.equal(emc.can_give_manager_role, true);
  });

  it('grants and revokes manager roles through the role-contract forms', async () => {
    const client = await superuser();
    const world = await bookingWorld(db());
    const contract = await db().selectFrom('hr_employee_contracts').select('id').where('employee_id', '=', world.bot.employeeId).executeTakeFirstOrThrow();
    const add = await client.post('/admin/nadooit_hr/time_account_manager_contracts/add', { contract_id: contract.id, can_create_time_accounts: 'on', can_give_manager_role: 'on' });
    assert.equal(add.statusCode, 303);
    const role = await db().selectFrom('hr_time_account_manager_contracts').selectAll().where('contract_id', '=', contract.id).executeTakeFirstOrThrow();
    assert.deepEqual([role.can_create_time_accounts, role.can_delete_time_accounts, role.can_give_manager_role], [true, false, true]);
    const edit = await client.post(`/admin/nadooit_hr/time_account_manager_contracts/${role.id}/change`, { can_create_time_accounts: 'on', can_delete_time_accounts: 'on' });
    assert.equal(edit.statusCode, 303);
    const changed = await db().selectFrom('hr_time_account_manager_contracts').selectAll().where('id', '=', role.id).executeTakeFirstOrThrow();
    assert.deepEqual([changed.can_create_time_accounts, changed.can_delete_time_accounts, changed.can_give_manager_role], [true, true, false]);
    const log = await db().selectFrom('hr_role_changes').select(['action', 'ability']).where('target_employee_id', '=', world.bot.employeeId).orderBy('created_at').execute();
    assert.ok(log.some((l) => l.action === 'revoke' && l.ability === 'can_give_manager_role'));
    assert.ok(log.some((l) => l.action === 'grant' && l.ability === 'can_delete_time_accounts'));
  });

  it('appoints API-key managers and key managers, and resets a person’s security keys with a new enrolment link', async () => {
    const client = await superuser();
    const world = await bookingWorld(db());
    const appoint = await client.post('/admin/nadooit_api_key/managers/add', { employee_id: world.bot.employeeId, first_customer_id: world.customerId, can_create_api_key: 'on' });
    assert.equal(appoint.statusCode, 303);
    const manager = await db().selectFrom('api_key_managers').selectAll().where('employee_id', '=', world.bot.employeeId).executeTakeFirstOrThrow();
    assert.equal(manager.can_create_api_key, true);
    const customers = await db().selectFrom('api_key_manager_customers').select('customer_id').where('manager_id', '=', manager.id).execute();
    assert.deepEqual(customers.map((c) => c.customer_id), [world.customerId]);
    const detail = await client.get(`/admin/nadooit_api_key/managers/${manager.id}/`);
    assert.match(detail.body, /id="api-key-manager-customers"[\s\S]*?Müller Logistik GmbH/);

    const key = await client.post('/admin/nadooit_key/key_managers/add', { user_id: world.bot.userId, can_create_keys: 'on' });
    assert.equal(key.statusCode, 303);
    const keyManager = await db().selectFrom('key_managers').selectAll().where('user_id', '=', world.bot.userId).executeTakeFirstOrThrow();
    assert.deepEqual([keyManager.can_create_keys, keyManager.can_delete_keys], [true, false]);

    await addCredential(db(), { userId: world.bot.userId, credentialId: 'cred-1', publicKey: new Uint8Array([1, 2, 3]), signCount: 0, backedUp: false, name: 'YubiKey' });
    const reset = await run(client, 'nadooit_auth/users', 'reset_security_keys', world.bot.userId);
    assert.equal(reset.statusCode, 303);
    const page = await client.get(String(reset.headers.location));
    assert.match(page.body, /\/auth\/enrol\/[A-Za-z0-9_-]{20,}/);
    assert.equal((await db().selectFrom('auth_credentials').select('id').where('user_id', '=', world.bot.userId).execute()).length, 0);
    const token = await db().selectFrom('auth_tokens').selectAll().where('user_id', '=', world.bot.userId).where('purpose', '=', 'enrolment').executeTakeFirstOrThrow();
    assert.equal(token.used_at, null);
    const [audit] = await auditOf(db(), 'nadooit_auth.users', world.bot.userId);
    assert.equal(audit!.action_name, 'reset_security_keys');
    assert.doesNotMatch(audit!.after ?? '', /enrol/, 'the link is not kept in the audit log');
  });

  it('refuses actions to staff without the permission they need', async () => {
    const viewer = await createStaff(db(), h().settings, { grants: [['nadooit_time_account.time_accounts', 'view']] });
    const client = await staffLogin(await h().app(), viewer);
    const world = await bookingWorld(db(), { balanceSeconds: 10 });
    assert.equal((await client.get(`/admin/nadooit_time_account/time_accounts/action?action=top_up&ids=${world.timeAccountId}`)).statusCode, 403);
    assert.equal((await run(client, 'nadooit_time_account/time_accounts', 'top_up', world.timeAccountId!, { hours: '5' })).statusCode, 403);
    assert.equal(await balance(world), 10);
    const detail = await client.get(`/admin/nadooit_time_account/time_accounts/${world.timeAccountId}/`);
    assert.equal(detail.statusCode, 200);
    assert.doesNotMatch(detail.body, /action=top_up/);
  });
});
