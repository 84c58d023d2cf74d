import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { TestClient } from '../../../test/support/http.js';
import { transaction } from '../../core/db/transaction.js';
import { listSecurityEvents } from '../services/audit.js';
import { enrolmentPath, issueEnrolmentToken } from '../services/tokens.js';
import { createUser } from '../services/users.js';
import { SoftAuthenticator } from '../testing/soft-authenticator.js';
import { TEST_ORIGIN, signInWithKey } from '../testing/sign-in.js';

describeEachBackend('enrolment links', (h) => {
  const db = () => h().system.context.db.kysely;

  async function newcomer(name: string, now?: Date) {
    return transaction(db(), async (tx) => {
      const user = await createUser(tx, { displayName: name });
      const { token } = await issueEnrolmentToken(tx, user.id, null, now);
      return { user, path: enrolmentPath(token) };
    });
  }

  async function enrol(client: TestClient, path: string, authenticator: SoftAuthenticator) {
    const begin = await client.json('POST', `${path}/options`, { name: 'Blauer Schlüssel' });
    if (begin.statusCode !== 200) return begin;
    return client.json('POST', `${path}/verify`, { name: 'Blauer Schlüssel', credential: authenticator.createCredential(begin.json().options) });
  }

  it('registers a key, signs the person in, and works only once', async () => {
    const { user, path } = await newcomer('Neu');
    const client = new TestClient(await h().app());
    const page = await client.get(path);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(user.user_code));
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    const authenticator = new SoftAuthenticator(TEST_ORIGIN);
    const done = await enrol(client, path, authenticator);
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().redirect, '/auth/keys');
    const keys = await client.get('/auth/keys');
    assert.equal(keys.statusCode, 200);
    assert.match(keys.body, /Blauer Schlüssel/);
    assert.match(keys.body, /Schlüssel erfolgreich registriert/);

    // Used: the page, the options and a second registration are all refused.
    const other = new TestClient(await h().app());
    assert.equal((await other.get(path)).statusCode, 404);
    await other.get('/auth/login-user');
    assert.equal((await enrol(other, path, new SoftAuthenticator(TEST_ORIGIN))).statusCode, 404);
    assert.equal((await db().selectFrom('auth_credentials').select('id').where('user_id', '=', user.id).execute()).length, 1);

    // The registered key now logs the person in with their code.
    const later = new TestClient(await h().app());
    assert.equal((await signInWithKey(later, authenticator, user.user_code)).statusCode, 200);
    assert.equal((await listSecurityEvents(db(), { userId: user.id, event: 'key_added' })).length, 1);
  });

  it('refuses a second registration racing on the same link after the options were handed out', async () => {
    const { path } = await newcomer('Doppelt');
    const first = new TestClient(await h().app());
    const second = new TestClient(await h().app());
    await first.get(path);
    await second.get(path);
    const a = await first.json('POST', `${path}/options`, {});
    const b = await second.json('POST', `${path}/options`, {});
    const done = await first.json('POST', `${path}/verify`, { credential: new SoftAuthenticator(TEST_ORIGIN).createCredential(a.json().options) });
    assert.equal(done.statusCode, 200);
    const late = await second.json('POST', `${path}/verify`, { credential: new SoftAuthenticator(TEST_ORIGIN).createCredential(b.json().options) });
    assert.equal(late.statusCode, 404);
  });

  it('expires after 24 hours', async () => {
    const { path } = await newcomer('Spät', new Date(Date.now() - 24 * 3600 * 1000 - 1000));
    const client = new TestClient(await h().app());
    const page = await client.get(path);
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /ungültig, abgelaufen oder wurde bereits verwendet/);
    const fresh = await newcomer('Früh', new Date(Date.now() - 23 * 3600 * 1000));
    assert.equal((await client.get(fresh.path)).statusCode, 200);
  });

  it('a new link replaces the previous one', async () => {
    const { user, path } = await newcomer('Zweimal');
    const replacement = await transaction(db(), (tx) => issueEnrolmentToken(tx, user.id, null));
    const client = new TestClient(await h().app());
    assert.equal((await client.get(path)).statusCode, 404);
    assert.equal((await client.get(enrolmentPath(replacement.token))).statusCode, 200);
  });

  it('locks out an address that tries too many invalid links', async () => {
    const { path } = await newcomer('Geduldig');
    // Earlier tests of this block spent part of this address's budget on used links.
    await db().deleteFrom('auth_throttle').execute();
    const client = new TestClient(await h().app());
    for (let i = 0; i < 10; i++) assert.equal((await client.get(`/auth/enrol/guess-${i}`)).statusCode, 404);
    const locked = await client.get(path);
    assert.equal(locked.statusCode, 429, 'even a valid link waits');
    assert.ok((await listSecurityEvents(db(), { event: 'lockout' })).length >= 1);
    await db().updateTable('auth_throttle').set({ locked_until: new Date(Date.now() - 1000).toISOString() }).execute();
    assert.equal((await client.get(path)).statusCode, 200);
  });
});
