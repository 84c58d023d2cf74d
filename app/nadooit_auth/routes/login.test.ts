import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { TestClient } from '../../../test/support/http.js';
import { listSecurityEvents } from '../services/audit.js';
import { SoftAuthenticator } from '../testing/soft-authenticator.js';
import { TEST_ORIGIN, personWithKey, signInWithKey } from '../testing/sign-in.js';

describeEachBackend('login with user code and security key', (h) => {
  const db = () => h().system.context.db.kysely;

  it('logs in with code + key and lands on a local next path', async () => {
    const { user, authenticator } = await personWithKey(db(), { displayName: 'Anna' });
    const client = new TestClient(await h().app());
    const done = await signInWithKey(client, authenticator, user.user_code, '/auth/keys?tab=1');
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().redirect, '/auth/keys?tab=1');
    const page = await client.get('/auth/keys');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Anna|Test key/);
    const row = await db().selectFrom('users').select('last_login').where('id', '=', user.id).executeTakeFirstOrThrow();
    assert.ok(row.last_login);
    const events = await listSecurityEvents(db(), { userId: user.id, event: 'login' });
    assert.equal(events.length, 1);
    assert.equal(events[0]!.ip, '127.0.0.1');
  });

  it('refuses an open redirect after login (absolute and protocol-relative next)', async () => {
    const { user, authenticator } = await personWithKey(db(), { displayName: 'Ben' });
    for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const client = new TestClient(await h().app());
      const done = await signInWithKey(client, authenticator, user.user_code, next);
      assert.equal(done.statusCode, 200);
      assert.equal(done.json().redirect, '/nadooit-os/', `next=${next}`);
    }
    const client = new TestClient(await h().app());
    const page = await client.get('/auth/login-user?next=https://evil.example/');
    assert.doesNotMatch(page.body, /evil\.example/);
  });

  it('accepts the code in lower case and with spaces; legacy codes of other lengths still work', async () => {
    const { user, authenticator } = await personWithKey(db(), { displayName: 'Carla' });
    const client = new TestClient(await h().app());
    const spaced = `${user.user_code.slice(0, 3).toLowerCase()} ${user.user_code.slice(3).toLowerCase()}`;
    assert.equal((await signInWithKey(client, authenticator, spaced)).statusCode, 200);
    const legacy = await personWithKey(db(), { displayName: 'Legacy', userCode: 'aB3x/Q7' });
    const other = new TestClient(await h().app());
    assert.equal((await signInWithKey(other, legacy.authenticator, 'aB3x/Q7')).statusCode, 200);
  });

  it('refuses a key that belongs to someone else, and a key the person does not own', async () => {
    const victim = await personWithKey(db(), { displayName: 'Dora' });
    const intruder = await personWithKey(db(), { displayName: 'Eve' });
    const client = new TestClient(await h().app());
    await client.get('/auth/login-user');
    const begin = await client.json('POST', '/auth/login-user/options', { user_code: victim.user.user_code });
    // Eve answers Dora's challenge with her own (registered, valid) key.
    const credential = intruder.authenticator.getAssertion(begin.json().options, { use: intruder.authenticator.credentialIds[0] });
    const done = await client.json('POST', '/auth/login-user/verify', { credential });
    assert.equal(done.statusCode, 401);
    assert.match(done.json().error.message, /fehlgeschlagen/);
    assert.equal((await client.get('/auth/keys')).statusCode, 303);

    // An unregistered key of a fresh authenticator is refused the same way.
    const stranger = new SoftAuthenticator(TEST_ORIGIN);
    stranger.createCredential({ challenge: 'x', rp: { name: 'x' }, user: { id: 'eA', name: 'x', displayName: 'x' }, pubKeyCredParams: [] });
    const again = await client.json('POST', '/auth/login-user/options', { user_code: victim.user.user_code });
    const foreign = stranger.getAssertion(again.json().options, { use: stranger.credentialIds[0] });
    const refused = await client.json('POST', '/auth/login-user/verify', { credential: foreign });
    assert.equal(refused.statusCode, 401);
  });

  it('refuses an assertion made for another origin and a replayed challenge', async () => {
    const { user, authenticator } = await personWithKey(db(), { displayName: 'Fritz' });
    const client = new TestClient(await h().app());
    await client.get('/auth/login-user');
    const begin = await client.json('POST', '/auth/login-user/options', { user_code: user.user_code });
    const phished = authenticator.getAssertion(begin.json().options, { origin: 'https://evil.example' });
    assert.equal((await client.json('POST', '/auth/login-user/verify', { credential: phished })).statusCode, 401);
    // The challenge was used up by the failed attempt: a correct answer to it no longer works.
    const late = authenticator.getAssertion(begin.json().options);
    assert.equal((await client.json('POST', '/auth/login-user/verify', { credential: late })).statusCode, 400);
  });

  it('refuses a signature counter that did not grow (cloned key) and logs it', async () => {
    const { user, authenticator } = await personWithKey(db(), { displayName: 'Gina' });
    const client = new TestClient(await h().app());
    assert.equal((await signInWithKey(client, authenticator, user.user_code)).statusCode, 200);
    const other = new TestClient(await h().app());
    await other.get('/auth/login-user');
    const begin = await other.json('POST', '/auth/login-user/options', { user_code: user.user_code });
    const cloned = authenticator.getAssertion(begin.json().options, { counter: 1 });
    assert.equal((await other.json('POST', '/auth/login-user/verify', { credential: cloned })).statusCode, 401);
    assert.equal((await listSecurityEvents(db(), { userId: user.id, event: 'key_counter_mismatch' })).length, 1);
  });

  it('refuses a code-only login (no key), for existing and unknown codes alike', async () => {
    const { user } = await personWithKey(db(), { displayName: 'Hans' });
    for (const code of [user.user_code, 'ZZZZZZ']) {
      const client = new TestClient(await h().app());
      await client.get('/auth/login-user');
      const response = await client.post('/auth/login-user', { user_code: code });
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /nur mit einem Sicherheitsschlüssel/);
      assert.equal((await client.get('/auth/keys')).statusCode, 303, 'still anonymous');
    }
  });

  it('answers an unknown code exactly like a known one (options with one credential)', async () => {
    const { user } = await personWithKey(db(), { displayName: 'Ida' });
    const client = new TestClient(await h().app());
    await client.get('/auth/login-user');
    const known = (await client.json('POST', '/auth/login-user/options', { user_code: user.user_code })).json().options;
    const unknown = (await client.json('POST', '/auth/login-user/options', { user_code: 'QQQQQQ' })).json().options;
    assert.deepEqual(Object.keys(known).sort(), Object.keys(unknown).sort());
    assert.equal(known.allowCredentials.length, 1);
    assert.equal(unknown.allowCredentials.length, 1);
    assert.deepEqual(Object.keys(known.allowCredentials[0]).sort(), Object.keys(unknown.allowCredentials[0]).sort());
    const again = (await client.json('POST', '/auth/login-user/options', { user_code: 'QQQQQQ' })).json().options;
    assert.equal(again.allowCredentials[0].id, unknown.allowCredentials[0].id, 'the decoy is stable');
  });

  it('locks a user code after five failed attempts, also for the right key, and logs the lockout', async () => {
    const { user, authenticator } = await personWithKey(db(), { displayName: 'Jana' });
    const attacker = await personWithKey(db(), { displayName: 'Mallory' });
    const client = new TestClient(await h().app());
    await client.get('/auth/login-user');
    for (let i = 0; i < 5; i++) {
      const begin = await client.json('POST', '/auth/login-user/options', { user_code: user.user_code });
      assert.equal(begin.statusCode, 200);
      const wrong = attacker.authenticator.getAssertion(begin.json().options, { use: attacker.authenticator.credentialIds[0] });
      assert.equal((await client.json('POST', '/auth/login-user/verify', { credential: wrong })).statusCode, 401);
    }
    const locked = await client.json('POST', '/auth/login-user/options', { user_code: user.user_code });
    assert.equal(locked.statusCode, 429);
    assert.match(locked.json().error.message, /Zu viele Fehlversuche/);
    // Even the owner with the right key waits for the lock to pass (from another browser).
    const owner = new TestClient(await h().app());
    await owner.get('/auth/login-user');
    assert.equal((await owner.json('POST', '/auth/login-user/options', { user_code: user.user_code })).statusCode, 429);
    assert.equal((await listSecurityEvents(db(), { userId: user.id, event: 'lockout' })).length, 1);
    assert.equal((await listSecurityEvents(db(), { userId: user.id, event: 'login_failed' })).length, 5);
    // The lock lives in the database (shared by every process) and ends by itself.
    await db().updateTable('auth_throttle').set({ locked_until: new Date(Date.now() - 1000).toISOString() }).execute();
    assert.equal((await signInWithKey(owner, authenticator, user.user_code)).statusCode, 200);
  });

  it('locks unknown codes the same way as known ones', async () => {
    const client = new TestClient(await h().app());
    await client.get('/auth/login-user');
    const stranger = await personWithKey(db(), { displayName: 'Nobody' });
    for (let i = 0; i < 5; i++) {
      const begin = await client.json('POST', '/auth/login-user/options', { user_code: 'UNKNWN' });
      const guess = stranger.authenticator.getAssertion(begin.json().options, { use: stranger.authenticator.credentialIds[0] });
      const refused = await client.json('POST', '/auth/login-user/verify', { credential: guess });
      assert.equal(refused.statusCode, 401);
      assert.match(refused.json().error.message, /fehlgeschlagen/);
    }
    assert.equal((await client.json('POST', '/auth/login-user/options', { user_code: 'UNKNWN' })).statusCode, 429);
  });

  it('logs in with a discoverable passkey without typing the code', async () => {
    const { user, authenticator } = await personWithKey(db(), { displayName: 'Kai' });
    const client = new TestClient(await h().app());
    await client.get('/auth/login-user');
    const begin = await client.json('POST', '/auth/passkey/options', {});
    assert.equal(begin.json().options.allowCredentials, undefined);
    const done = await client.json('POST', '/auth/passkey/verify', { credential: authenticator.getAssertion(begin.json().options) });
    assert.equal(done.statusCode, 200, done.body);
    const sessions = await client.get('/auth/sessions');
    assert.equal(sessions.statusCode, 200);
    assert.equal((await listSecurityEvents(db(), { userId: user.id, event: 'login' }))[0]!.detail, JSON.stringify({ method: 'passkey' }));
  });

  it('refuses a disabled key and an inactive person', async () => {
    const { user, authenticator } = await personWithKey(db(), { displayName: 'Lea' });
    await db().updateTable('auth_credentials').set({ is_enabled: false }).where('user_id', '=', user.id).execute();
    const client = new TestClient(await h().app());
    await client.get('/auth/login-user');
    const begin = await client.json('POST', '/auth/login-user/options', { user_code: user.user_code });
    const answer = authenticator.getAssertion(begin.json().options, { use: authenticator.credentialIds[0] });
    assert.equal((await client.json('POST', '/auth/login-user/verify', { credential: answer })).statusCode, 401);

    const active = await personWithKey(db(), { displayName: 'Max' });
    const other = new TestClient(await h().app());
    assert.equal((await signInWithKey(other, active.authenticator, active.user.user_code)).statusCode, 200);
    await db().updateTable('users').set({ is_active: false }).where('id', '=', active.user.id).execute();
    assert.equal((await other.get('/auth/keys')).statusCode, 303, 'a deactivated person is signed out at once');
  });
});

describeEachBackend(
  'development code-only login',
  (h) => {
    it('logs in with the code alone only when DEBUG and INSECURE_DEV_LOGIN are on', async () => {
      const { user } = await personWithKey(h().system.context.db.kysely, { displayName: 'Dev' });
      const client = new TestClient(await h().app());
      await client.get('/auth/login-user');
      const response = await client.post('/auth/login-user', { user_code: user.user_code, next: '/auth/keys' });
      assert.equal(response.statusCode, 302);
      assert.equal(response.headers.location, '/auth/keys');
      assert.equal((await client.get('/auth/keys')).statusCode, 200);
    });
  },
  { settings: { DEBUG: '1', INSECURE_DEV_LOGIN: '1' } },
);
