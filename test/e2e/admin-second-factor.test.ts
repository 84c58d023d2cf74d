import assert from 'node:assert/strict';
import { it } from 'node:test';
import { listSecurityEvents } from '../../app/nadooit_auth/services/audit.js';
import { hasTotp } from '../../app/nadooit_auth/services/totp.js';
import { describeEachBackend } from '../support/harness.js';
import { TestClient } from '../support/http.js';
import { auditOf, createStaff, staffLogin } from './admin-support.js';

const ACTION = 'reset_authenticator_app';

describeEachBackend('admin: resetting a staff member\'s authenticator app', (h) => {
  const db = () => h().system.context.db.kysely;

  it('a superuser resets it from the user page: the person is signed out and must enrol again; audit and security log', async () => {
    const app = await h().app();
    const boss = await createStaff(db(), h().settings, { superuser: true });
    const anna = await createStaff(db(), h().settings);
    const admin = await staffLogin(app, boss);
    const annasBrowser = await staffLogin(app, anna);
    assert.equal((await annasBrowser.get('/admin/')).statusCode, 200);

    const detail = await admin.get(`/admin/nadooit_auth/users/${anna.id}/`);
    assert.match(detail.body, new RegExp(`action=${ACTION}&ids=${anna.id}`));
    const confirm = await admin.get(`/admin/nadooit_auth/users/action?action=${ACTION}&ids=${anna.id}`);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /Authenticator-App zurücksetzen/);
    const done = await admin.post('/admin/nadooit_auth/users/action', { action: ACTION, ids: anna.id, confirm: '1' });
    assert.equal(done.statusCode, 303, done.body);
    assert.match((await admin.get(String(done.headers.location))).body, /Authenticator-App zurückgesetzt/);

    assert.equal(await hasTotp(db(), anna.id), false);
    assert.equal((await annasBrowser.get('/admin/')).statusCode, 303, 'her open session ended');
    const login = new TestClient(app);
    await login.get('/auth/staff-login');
    const password = await login.post('/auth/staff-login', { username: anna.username, password: anna.password, next: '/admin/' });
    assert.equal(password.headers.location, '/auth/staff-login/enrol');

    const [audit] = await auditOf(db(), 'nadooit_auth.users', anna.id);
    assert.equal(audit?.action_name, ACTION);
    assert.equal(audit?.actor_user_id, boss.id);
    const [event] = await listSecurityEvents(db(), { userId: anna.id, event: 'totp_reset' });
    assert.equal(event?.actor_id, boss.id);
  });

  it('is neither offered nor allowed to staff who are not superusers, even with "change" on users', async () => {
    const app = await h().app();
    const clerk = await createStaff(db(), h().settings, { grants: [['nadooit_auth.users', 'change']] });
    const bert = await createStaff(db(), h().settings);
    const client = await staffLogin(app, clerk);
    const detail = await client.get(`/admin/nadooit_auth/users/${bert.id}/`);
    assert.equal(detail.statusCode, 200);
    assert.doesNotMatch(detail.body, new RegExp(`action=${ACTION}`));
    assert.equal((await client.get(`/admin/nadooit_auth/users/action?action=${ACTION}&ids=${bert.id}`)).statusCode, 403);
    assert.equal((await client.post('/admin/nadooit_auth/users/action', { action: ACTION, ids: bert.id, confirm: '1' })).statusCode, 403);
    assert.equal(await hasTotp(db(), bert.id), true);
    assert.deepEqual(await listSecurityEvents(db(), { userId: bert.id, event: 'totp_reset' }), []);
  });
});
