import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { TestClient } from '../../../test/support/http.js';
import { SESSION_COOKIE } from '../../core/http/sessions.js';
import { sha256Hex } from '../../core/http/tokens.js';
import { listSecurityEvents } from '../services/audit.js';
import { personWithKey, signInWithKey } from '../testing/sign-in.js';

describeEachBackend('sessions and security keys pages', (h) => {
  const db = () => h().system.context.db.kysely;

  it('lists own sessions; revoking one signs that browser out at once', async () => {
    const { user, authenticator } = await personWithKey(db(), { displayName: 'Olga' });
    const laptop = new TestClient(await h().app());
    const phone = new TestClient(await h().app());
    await signInWithKey(laptop, authenticator, user.user_code);
    await signInWithKey(phone, authenticator, user.user_code);
    const page = await laptop.get('/auth/sessions', { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0' });
    assert.equal(page.statusCode, 200);
    const ids = [...page.body.matchAll(/action="\/auth\/sessions\/([0-9a-f-]{36})\/revoke"/g)].map((m) => m[1]!);
    assert.equal(ids.length, 2);
    assert.match(page.body, /Diese Sitzung/);
    const phoneSession = await db()
      .selectFrom('core_sessions')
      .select('id')
      .where('token_hash', '=', sha256Hex(phone.cookie(SESSION_COOKIE)!))
      .executeTakeFirstOrThrow();
    assert.ok(ids.includes(phoneSession.id));

    assert.equal((await phone.get('/auth/keys')).statusCode, 200);
    const revoked = await laptop.post(`/auth/sessions/${phoneSession.id}/revoke`);
    assert.equal(revoked.statusCode, 302);
    assert.equal((await phone.get('/auth/keys')).statusCode, 303, 'the revoked session is gone on its next request');
    assert.equal((await laptop.get('/auth/keys')).statusCode, 200);
    assert.equal((await listSecurityEvents(db(), { userId: user.id, event: 'session_revoked' })).length, 1);
  });

  it('cannot revoke another person\'s session', async () => {
    const a = await personWithKey(db(), { displayName: 'Paul' });
    const b = await personWithKey(db(), { displayName: 'Quentin' });
    const clientA = new TestClient(await h().app());
    const clientB = new TestClient(await h().app());
    await signInWithKey(clientA, a.authenticator, a.user.user_code);
    await signInWithKey(clientB, b.authenticator, b.user.user_code);
    const bSession = await db().selectFrom('core_sessions').select('id').where('user_id', '=', b.user.id).executeTakeFirstOrThrow();
    await clientA.post(`/auth/sessions/${bSession.id}/revoke`);
    assert.equal((await clientB.get('/auth/keys')).statusCode, 200);
  });

  it('revokes all other sessions and logs out', async () => {
    const { user, authenticator } = await personWithKey(db(), { displayName: 'Rita' });
    const clients = [new TestClient(await h().app()), new TestClient(await h().app()), new TestClient(await h().app())];
    for (const c of clients) await signInWithKey(c, authenticator, user.user_code);
    await clients[0]!.post('/auth/sessions/revoke-others');
    assert.equal((await clients[1]!.get('/auth/keys')).statusCode, 303);
    assert.equal((await clients[2]!.get('/auth/keys')).statusCode, 303);
    assert.equal((await clients[0]!.get('/auth/keys')).statusCode, 200);
    const out = await clients[0]!.post('/auth/logout-user');
    assert.equal(out.headers.location, '/auth/login-user');
    assert.equal((await clients[0]!.get('/auth/keys')).statusCode, 303);
    assert.equal(await db().selectFrom('core_sessions').select('id').where('user_id', '=', user.id).executeTakeFirst(), undefined);
  });

  it('renames, disables and deletes keys, but never the last active one', async () => {
    const { user, authenticator } = await personWithKey(db(), { displayName: 'Sven' });
    const client = new TestClient(await h().app());
    await signInWithKey(client, authenticator, user.user_code);
    const [key] = await db().selectFrom('auth_credentials').select('id').where('user_id', '=', user.id).execute();
    const id = key!.id;

    const empty = await client.post(`/auth/keys/${id}/rename`, { name: '' });
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, /Dieses Feld ist erforderlich/);
    await client.post(`/auth/keys/${id}/rename`, { name: 'Schlüsselbund' });
    assert.match((await client.get('/auth/keys')).body, /value="Schlüsselbund"/);

    await client.post(`/auth/keys/${id}/disable`);
    assert.match((await client.get('/auth/keys')).body, /letzte aktive Schlüssel/);
    await client.post(`/auth/keys/${id}/delete`);
    assert.ok(await db().selectFrom('auth_credentials').select('id').where('id', '=', id).executeTakeFirst(), 'last key kept');

    // With a second key the first can be disabled, enabled and deleted.
    const second = await personWithKey(db(), { displayName: 'unused' });
    await db().updateTable('auth_credentials').set({ user_id: user.id }).where('user_id', '=', second.user.id).execute();
    await client.post(`/auth/keys/${id}/disable`);
    const row = await db().selectFrom('auth_credentials').select('is_enabled').where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.is_enabled, false);
    await client.post(`/auth/keys/${id}/enable`);
    await client.post(`/auth/keys/${id}/delete`);
    assert.equal(await db().selectFrom('auth_credentials').select('id').where('id', '=', id).executeTakeFirst(), undefined);
    const events = (await listSecurityEvents(db(), { userId: user.id })).map((e) => e.event);
    for (const event of ['key_renamed', 'key_disabled', 'key_enabled', 'key_removed']) assert.ok(events.includes(event as never), event);
  });

  it('cannot touch another person\'s keys', async () => {
    const a = await personWithKey(db(), { displayName: 'Tom' });
    const b = await personWithKey(db(), { displayName: 'Uta' });
    await personWithKey(db(), { displayName: 'spare' }).then(async (spare) =>
      db().updateTable('auth_credentials').set({ user_id: b.user.id }).where('user_id', '=', spare.user.id).execute(),
    );
    const client = new TestClient(await h().app());
    await signInWithKey(client, a.authenticator, a.user.user_code);
    const bKey = await db().selectFrom('auth_credentials').select('id').where('user_id', '=', b.user.id).executeTakeFirstOrThrow();
    await client.post(`/auth/keys/${bKey.id}/delete`);
    await client.post(`/auth/keys/${bKey.id}/rename`, { name: 'hijacked' });
    const still = await db().selectFrom('auth_credentials').select('name').where('id', '=', bKey.id).executeTakeFirstOrThrow();
    assert.notEqual(still.name, 'hijacked');
  });

  it('adds another key through the WebAuthn registration', async () => {
    const { user, authenticator } = await personWithKey(db(), { displayName: 'Vera' });
    const client = new TestClient(await h().app());
    await signInWithKey(client, authenticator, user.user_code);
    const begin = await client.json('POST', '/auth/keys/register/options', { name: 'Ersatz' });
    assert.equal(begin.statusCode, 200);
    assert.equal(begin.json().options.excludeCredentials.length, 1, 'the existing key is excluded');
    const done = await client.json('POST', '/auth/keys/register/verify', { credential: authenticator.createCredential(begin.json().options) });
    assert.equal(done.statusCode, 200, done.body);
    const names = (await db().selectFrom('auth_credentials').select('name').where('user_id', '=', user.id).execute()).map((r) => r.name);
    assert.deepEqual(names.sort(), ['Ersatz', 'Test key']);
  });
});
