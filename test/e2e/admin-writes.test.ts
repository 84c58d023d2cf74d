import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createCustomer } from '../../app/nadooit_crm/services.js';
import { person } from '../../app/nadooit_api_executions_system/testing/fixtures.js';
import { describeEachBackend } from '../support/harness.js';
import { auditOf, createStaff, staffLogin } from './admin-support.js';

describeEachBackend('admin writes', (h) => {
  const db = () => h().system.context.db.kysely;
  const superuser = async () => staffLogin(await h().app(), await createStaff(db(), h().settings, { superuser: true }));

  it('shows validation errors next to each field and keeps the input', async () => {
    const client = await superuser();
    const response = await client.post('/admin/nadooit_crm/customers/add', { name: '', contact_email: 'not-an-email', contact_phone: '0171 123', time_zone: 'Mars/Olympus' });
    assert.equal(response.statusCode, 422);
    for (const field of ['name', 'contact_email', 'time_zone']) {
      const block = new RegExp(`data-field="${field}"[\\s\\S]*?is-invalid[\\s\\S]*?class="invalid-feedback d-block"`);
      assert.match(response.body, block, `${field} is marked invalid with a message`);
    }
    assert.match(response.body, /Dieses Feld ist erforderlich\./);
    assert.match(response.body, /Bitte eine gültige E-Mail-Adresse eingeben\./);
    assert.match(response.body, /value="0171 123"/, 'valid input is kept');
    assert.doesNotMatch(response.body, /data-field="contact_phone"[^]*?invalid-feedback d-block[^]*?data-field="time_zone"/);
    assert.equal((await db().selectFrom('crm_customers').select('id').execute()).length, 0);
    assert.equal((await auditOf(db(), 'nadooit_crm.customers')).length, 0);
  });

  it('records create, edit and delete in the audit log with before and after', async () => {
    const client = await superuser();
    const created = await client.post('/admin/nadooit_crm/customers/add', { name: 'Acme GmbH', time_zone: 'Europe/Berlin', is_active: 'on', _continue: '1' });
    assert.equal(created.statusCode, 303);
    const id = /customers\/([0-9a-f-]{36})\/change/.exec(String(created.headers.location))![1]!;
    const edited = await client.post(`/admin/nadooit_crm/customers/${id}/change`, { name: 'Acme AG', time_zone: 'Europe/Berlin', is_active: 'on' });
    assert.equal(edited.statusCode, 303);
    const unchanged = await client.post(`/admin/nadooit_crm/customers/${id}/change`, { name: 'Acme AG', time_zone: 'Europe/Berlin', is_active: 'on' });
    assert.equal(unchanged.statusCode, 303);
    const confirm = await client.get(`/admin/nadooit_crm/customers/${id}/delete`);
    assert.equal(confirm.statusCode, 200);
    const deleted = await client.post(`/admin/nadooit_crm/customers/${id}/delete`, { confirm: '1' });
    assert.equal(deleted.statusCode, 303);
    const entries = await auditOf(db(), 'nadooit_crm.customers', id);
    assert.deepEqual(entries.map((e) => e.action), ['create', 'update', 'delete'], 'an unchanged save writes nothing');
    const [create, update, remove] = entries;
    assert.equal(create!.before, null);
    assert.equal(JSON.parse(create!.after!).name, 'Acme GmbH');
    assert.equal(JSON.parse(update!.before!).name, 'Acme GmbH');
    assert.equal(JSON.parse(update!.after!).name, 'Acme AG');
    assert.equal(update!.changed_fields.split(',').includes('name'), true);
    assert.equal(JSON.parse(remove!.before!).name, 'Acme AG');
    assert.equal(remove!.after, null);
    assert.ok(entries.every((e) => e.object_label.startsWith('Acme')));
    const log = await client.get(`/admin/nadooit_admin/audit_log/?f.resource=nadooit_crm.customers&f.object_id=${id}`);
    assert.equal(log.statusCode, 200);
    assert.equal((log.body.match(/<tr data-id=/g) ?? []).length, 3, 'the history is browsable in the admin');
    const detail = await client.get(`/admin/nadooit_admin/audit_log/${update!.id}/`);
    assert.match(detail.body, /id="audit-changes"/);
    assert.match(detail.body, /table-warning" data-field="name"/);
  });

  it('records every row of a bulk action and a bulk delete', async () => {
    const client = await superuser();
    const a = await createCustomer(db(), { name: 'Bulk A' });
    const b = await createCustomer(db(), { name: 'Bulk B' });
    const employee = await person(db(), { customerId: a.id });
    const other = await person(db(), { customerId: b.id });
    const contracts = await db().selectFrom('hr_employee_contracts').select('id').where('employee_id', 'in', [employee.employeeId, other.employeeId]).execute();
    const ids = contracts.map((c) => c.id);
    const page = await client.post('/admin/nadooit_hr/contracts/action', { action: 'deactivate', ids });
    assert.equal(page.statusCode, 200, 'an action asks for confirmation first');
    const run = await client.post('/admin/nadooit_hr/contracts/action', { action: 'deactivate', ids, confirm: '1' });
    assert.equal(run.statusCode, 303);
    const rows = await db().selectFrom('hr_employee_contracts').select(['id', 'is_active']).where('id', 'in', ids).execute();
    assert.ok(rows.every((r) => r.is_active === false));
    for (const id of ids) {
      const [entry] = await auditOf(db(), 'nadooit_hr.contracts', id);
      assert.equal(entry?.action, 'action');
      assert.equal(entry?.action_name, 'deactivate');
      assert.equal(JSON.parse(entry!.before!).is_active, true);
      assert.equal(JSON.parse(entry!.after!).is_active, false);
    }
    const confirm = await client.post('/admin/nadooit_crm/customers/action', { action: 'delete', ids: [a.id, b.id] });
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /Bulk A/);
    const removed = await client.post('/admin/nadooit_crm/customers/action', { action: 'delete', ids: [a.id, b.id], confirm: '1' });
    assert.equal(removed.statusCode, 303);
    for (const id of [a.id, b.id]) {
      const entries = await auditOf(db(), 'nadooit_crm.customers', id);
      assert.deepEqual(entries.map((e) => e.action), ['delete']);
      assert.deepEqual(JSON.parse(entries[0]!.input!), { deleted_together: 2, related: { 'nadooit_hr.contracts': 2 } }, 'the cascade is noted');
    }
  });

  it('lists on the delete confirmation what is deleted, unlinked or blocks the delete', async () => {
    const client = await superuser();
    const { bookingWorld } = await import('../../app/nadooit_api_executions_system/testing/fixtures.js');
    const world = await bookingWorld(db(), { balanceSeconds: 100 });
    const page = await client.get(`/admin/nadooit_crm/customers/${world.customerId}/delete`);
    assert.equal(page.statusCode, 200);
    const impact = /<div id="admin-delete-impact">([\s\S]*?)<form/.exec(page.body)![1]!;
    assert.match(impact, /data-impact="nadooit_hr.contracts" data-effect="cascade"/);
    assert.match(impact, /Angestelltenverträge: 1/);
    assert.match(impact, /data-impact="nadooit_program_ownership_system.customer_programs" data-effect="set null"/);
    assert.match(impact, /Kundenprogramme: 1/);
    assert.match(impact, /data-impact="nadooit_time_account.customer_time_accounts" data-effect="cascade"/);
    assert.match(impact, /Rechnungseingang automatisiert – Müller Logistik GmbH/, 'related rows are named');
    await person(db(), { customerId: world.customerId, roles: { employee_manager: ['can_add_new_employee'] } });
    const nested = await client.get(`/admin/nadooit_crm/customers/${world.customerId}/delete`);
    assert.match(nested.body, /Angestelltenverträge: 2/);
    assert.match(nested.body, /data-impact="nadooit_hr.employee_manager_contracts" data-effect="cascade"/, 'the cascade is followed down');
  });

  it('refuses a staff-flag change by a staff member who is not a superuser', async () => {
    const editor = await createStaff(db(), h().settings, { grants: [['nadooit_auth.users', 'change']] });
    const target = await createStaff(db(), h().settings, {});
    const client = await staffLogin(await h().app(), editor);
    const response = await client.post(`/admin/nadooit_auth/users/${target.id}/change`, { display_name: 'X', is_active: 'on', is_superuser: 'on' });
    assert.equal(response.statusCode, 422);
    assert.match(response.body, /Nur Superuser dürfen Mitarbeiterkonten ändern\./);
    const row = await db().selectFrom('users').select(['is_superuser', 'display_name']).where('id', '=', target.id).executeTakeFirstOrThrow();
    assert.equal(row.is_superuser, false);
    assert.notEqual(row.display_name, 'X');
  });

  it('refuses to let staff who are not superusers delete staff accounts, and anyone their own', async () => {
    const remover = await createStaff(db(), h().settings, { grants: [['nadooit_auth.users', 'delete']] });
    const boss = await createStaff(db(), h().settings, { superuser: true });
    const client = await staffLogin(await h().app(), remover);
    const response = await client.post(`/admin/nadooit_auth/users/${boss.id}/delete`, { confirm: '1' });
    assert.equal(response.statusCode, 303);
    const page = await client.get(String(response.headers.location));
    assert.match(page.body, /Nur Superuser dürfen Mitarbeiterkonten ändern\./);
    const own = await client.post(`/admin/nadooit_auth/users/${remover.id}/delete`, { confirm: '1' });
    assert.equal(own.statusCode, 303);
    assert.equal((await db().selectFrom('users').select('id').where('id', 'in', [boss.id, remover.id]).execute()).length, 2);
    assert.equal((await auditOf(db(), 'nadooit_auth.users', boss.id)).length, 0);
  });
});
