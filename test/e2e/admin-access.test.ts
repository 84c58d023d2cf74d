import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachBackend } from '../support/harness.js';
import { TestClient } from '../support/http.js';
import { auditOf, createStaff, staffLogin } from './admin-support.js';

describeEachBackend('admin access', (h) => {
  it('sends anonymous visitors to the staff login', async () => {
    const client = new TestClient(await h().app());
    const response = await client.get('/admin/');
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/auth/staff-login?next=%2Fadmin%2F');
    const list = await client.get('/admin/nadooit_auth/users/');
    assert.equal(list.statusCode, 303);
  });

  it('never lets a non-staff user reach /admin/', async () => {
    const { db } = h().system.context;
    const staff = await createStaff(db.kysely, h().settings, { superuser: true });
    const client = await staffLogin(await h().app(), staff);
    assert.equal((await client.get('/admin/')).statusCode, 200);
    await db.kysely.updateTable('users').set({ is_staff: false, is_superuser: false }).where('id', '=', staff.id).execute();
    for (const url of ['/admin/', '/admin/nadooit_auth/users/', `/admin/nadooit_auth/users/${staff.id}/`, `/admin/nadooit_auth/users/${staff.id}/change`]) {
      const response = await client.get(url);
      assert.equal(response.statusCode, 403, url);
      assert.doesNotMatch(response.body, /id="admin-form"|id="admin-list"/);
    }
    const post = await client.post(`/admin/nadooit_auth/users/${staff.id}/change`, { display_name: 'Hacked' });
    assert.equal(post.statusCode, 403);
    const row = await db.kysely.selectFrom('users').select('display_name').where('id', '=', staff.id).executeTakeFirstOrThrow();
    assert.notEqual(row.display_name, 'Hacked');
  });

  it('shows the index titled "NADOOIT Administration" to a superuser, in German and English', async () => {
    const staff = await createStaff(h().system.context.db.kysely, h().settings, { superuser: true });
    const client = await staffLogin(await h().app(), staff);
    const de = await client.get('/admin/');
    assert.equal(de.statusCode, 200);
    assert.match(de.body, /<h1[^>]*>NADOOIT Administration<\/h1>/);
    assert.match(de.body, /Änderungsprotokoll/);
    await client.get('/language?set=en&next=/admin/');
    const en = await client.get('/admin/');
    assert.match(en.body, /Audit log/);
  });

  it('gives a staff member without the change permission 403 on edit, and no form', async () => {
    const { db } = h().system.context;
    const viewer = await createStaff(db.kysely, h().settings, { grants: [['nadooit_auth.users', 'view']] });
    const client = await staffLogin(await h().app(), viewer);
    const index = await client.get('/admin/');
    assert.equal(index.statusCode, 200);
    assert.match(index.body, /href="\/admin\/nadooit_auth\/users\/"/);
    assert.doesNotMatch(index.body, /href="\/admin\/nadooit_admin\/permissions\/"/);
    assert.equal((await client.get('/admin/nadooit_auth/users/')).statusCode, 200);
    const detail = await client.get(`/admin/nadooit_auth/users/${viewer.id}/`);
    assert.equal(detail.statusCode, 200);
    assert.doesNotMatch(detail.body, /\/change"/);
    const edit = await client.get(`/admin/nadooit_auth/users/${viewer.id}/change`);
    assert.equal(edit.statusCode, 403);
    assert.doesNotMatch(edit.body, /<form[^>]+id="admin-form"/);
    assert.doesNotMatch(edit.body, /name="display_name"/);
    const post = await client.post(`/admin/nadooit_auth/users/${viewer.id}/change`, { display_name: 'Changed' });
    assert.equal(post.statusCode, 403);
    assert.equal((await client.get('/admin/nadooit_auth/users/add')).statusCode, 403);
    assert.equal((await client.get(`/admin/nadooit_auth/users/${viewer.id}/delete`)).statusCode, 403);
    assert.equal((await client.post('/admin/nadooit_auth/users/action', { action: 'delete', ids: viewer.id, confirm: '1' })).statusCode, 403);
    assert.equal((await client.get('/admin/nadooit_admin/permissions/')).statusCode, 403);
    assert.equal((await client.get('/admin/core/sessions/')).statusCode, 403);
    assert.equal((await auditOf(db.kysely, 'nadooit_auth.users', viewer.id)).length, 0);
  });

  it('lets a staff member with the change permission edit, audited with before and after', async () => {
    const { db } = h().system.context;
    const editor = await createStaff(db.kysely, h().settings, { grants: [['nadooit_auth.users', 'change']] });
    const target = await createStaff(db.kysely, h().settings, { staff: false });
    const client = await staffLogin(await h().app(), editor);
    const form = await client.get(`/admin/nadooit_auth/users/${target.id}/change`);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /name="display_name"/);
    assert.doesNotMatch(form.body, /name="is_superuser"/, 'staff flags are for superusers only');
    const saved = await client.post(`/admin/nadooit_auth/users/${target.id}/change`, { display_name: 'Renamed Person', email: 'person@example.com', is_active: 'on' });
    assert.equal(saved.statusCode, 303);
    const entries = await auditOf(db.kysely, 'nadooit_auth.users', target.id);
    assert.equal(entries.length, 1);
    const entry = entries[0]!;
    assert.equal(entry.action, 'update');
    assert.equal(entry.actor_user_id, editor.id);
    assert.equal(JSON.parse(entry.after!).display_name, 'Renamed Person');
    assert.match(JSON.parse(entry.before!).display_name, /^Staff /);
    assert.equal(JSON.parse(entry.before!).password_hash, '***', 'secrets are masked');
    assert.match(entry.changed_fields, /display_name/);
  });
});

describeEachBackend('admin permissions', (h) => {
  it('lets a superuser grant a model permission in the admin, which the staff member then has', async () => {
    const { db } = h().system.context;
    const superuser = await createStaff(db.kysely, h().settings, { superuser: true });
    const boss = await staffLogin(await h().app(), superuser);
    const clerk = await createStaff(db.kysely, h().settings, {});
    const before = await staffLogin(await h().app(), clerk);
    const empty = await before.get('/admin/');
    assert.equal(empty.statusCode, 200);
    assert.doesNotMatch(empty.body, /href="\/admin\/nadooit_crm\/customers\/"/);
    assert.equal((await before.get('/admin/nadooit_crm/customers/')).statusCode, 403);
    const form = await boss.get('/admin/nadooit_admin/permissions/add');
    assert.match(form.body, /<option value="nadooit_crm.customers"[^>]*>Kunden › Kunden<\/option>/);
    const granted = await boss.post('/admin/nadooit_admin/permissions/add', { user_id: clerk.id, resource: 'nadooit_crm.customers', permission: 'add' });
    assert.equal(granted.statusCode, 303);
    const index = await before.get('/admin/');
    assert.match(index.body, /href="\/admin\/nadooit_crm\/customers\/add"/, 'add includes view');
    assert.equal((await before.get('/admin/nadooit_crm/customers/')).statusCode, 200);
    assert.equal((await before.get('/admin/nadooit_admin/permissions/')).statusCode, 403, 'permissions are for superusers');
    const [entry] = await auditOf(db.kysely, 'nadooit_admin.permissions');
    assert.equal(JSON.parse(entry!.after!).granted_by, superuser.id, 'who granted it is recorded');
    const row = await db.kysely.selectFrom('admin_permissions').selectAll().where('user_id', '=', clerk.id).executeTakeFirstOrThrow();
    assert.deepEqual([row.resource, row.permission], ['nadooit_crm.customers', 'add']);
  });
});
