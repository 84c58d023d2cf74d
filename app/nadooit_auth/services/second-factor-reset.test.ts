import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachBackend } from '../../../test/support/harness.js';
import { TestClient } from '../../../test/support/http.js';
import { signInStaff, staffWithTotp } from '../testing/sign-in.js';
import type { StaffAccount } from '../testing/sign-in.js';
import { listSecurityEvents } from './audit.js';
import { AuthRefused } from './errors.js';
import { resetAuthenticatorApp } from './second-factor-reset.js';
import { hasTotp, regenerateRecoveryCodes, unusedRecoveryCodeCount } from './totp.js';

describeEachBackend('resetting a staff member\'s authenticator app', (h) => {
  const db = () => h().system.context.db.kysely;
  const staff = (username: string, superuser = false) => staffWithTotp(db(), h().settings.secretKey, { username, superuser });
  const signedIn = async (account: StaffAccount) => {
    const client = new TestClient(await h().app());
    await signInStaff(client, account);
    assert.equal((await client.get('/auth/sessions')).statusCode, 200);
    return client;
  };
  const untouched = async (account: StaffAccount) => {
    assert.equal(await hasTotp(db(), account.user.id), true);
    assert.equal(await unusedRecoveryCodeCount(db(), account.user.id), 10);
  };

  it('removes app and recovery codes, signs the person out, and the next login asks for enrolment', async () => {
    const boss = await staff('boss', true);
    const anna = await staff('anna');
    await regenerateRecoveryCodes(db(), anna.user.id);
    const annasBrowser = await signedIn(anna);

    const reset = await resetAuthenticatorApp(db(), { id: boss.user.id, isSuperuser: true }, anna.user.id, { ip: '203.0.113.9', userAgent: 'test' });
    assert.deepEqual(reset, { removedApp: true, removedRecoveryCodes: 10, endedSessions: 1 });
    assert.equal(await hasTotp(db(), anna.user.id), false);
    assert.equal(await unusedRecoveryCodeCount(db(), anna.user.id), 0);

    // The open session is gone at once; the password now leads to enrolment, not to the code prompt.
    assert.equal((await annasBrowser.get('/auth/sessions')).statusCode, 303);
    const client = new TestClient(await h().app());
    await client.get('/auth/staff-login');
    const login = await client.post('/auth/staff-login', { username: 'anna', password: anna.password });
    assert.equal(login.headers.location, '/auth/staff-login/enrol');
    assert.equal((await client.get('/auth/staff-login/verify')).headers.location, '/auth/staff-login/enrol');

    const [event] = await listSecurityEvents(db(), { userId: anna.user.id, event: 'totp_reset' });
    assert.equal(event?.actor_id, boss.user.id);
    assert.equal(event?.ip, '203.0.113.9');
    assert.deepEqual(JSON.parse(event!.detail!), { authenticator_app: true, recovery_codes: 10, sessions_ended: 1 });
  });

  it('is refused to staff who are not superusers, on one\'s own account, and where there is nothing to reset', async () => {
    const clerk = await staff('clerk');
    const boss = await staff('boss2', true);
    const bert = await staff('bert');
    await regenerateRecoveryCodes(db(), bert.user.id);
    const bertsBrowser = await signedIn(bert);
    const refusal = (messageKey: string) => (error: unknown) => error instanceof AuthRefused && error.messageKey === messageKey;

    await assert.rejects(resetAuthenticatorApp(db(), { id: clerk.user.id, isSuperuser: false }, bert.user.id), refusal('auth.totp_reset.superuser_only'));
    await untouched(bert);
    assert.equal((await bertsBrowser.get('/auth/sessions')).statusCode, 200, 'still signed in');
    await assert.rejects(resetAuthenticatorApp(db(), { id: boss.user.id, isSuperuser: true }, boss.user.id), refusal('auth.totp_reset.own_account'));
    assert.equal(await hasTotp(db(), boss.user.id), true);

    await resetAuthenticatorApp(db(), { id: boss.user.id, isSuperuser: true }, bert.user.id);
    await assert.rejects(resetAuthenticatorApp(db(), { id: boss.user.id, isSuperuser: true }, bert.user.id), refusal('auth.totp_reset.nothing'));
    assert.equal((await listSecurityEvents(db(), { userId: bert.user.id, event: 'totp_reset' })).length, 1, 'only the real reset is logged');
  });
});
