import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { TestClient } from '../../../test/support/http.js';
import { transaction } from '../../core/db/transaction.js';
import { hashPassword } from '../services/passwords.js';
import { createUser } from '../services/users.js';
import { SoftAuthenticator } from '../testing/soft-authenticator.js';
import { TEST_ORIGIN, signInStaff, staffWithTotp } from '../testing/sign-in.js';

describeEachBackend('staff second factor with a security key', (h) => {
  const db = () => h().system.context.db.kysely;

  it('enrols a security key as the second factor at the first login, then logs in with password + key', async () => {
    const password = 'staff member passphrase';
    await transaction(db(), async (tx) =>
      createUser(tx, { displayName: 'Keyholder', username: 'keyholder', passwordHash: await hashPassword(password), isStaff: true }),
    );
    const key = new SoftAuthenticator(TEST_ORIGIN);
    const client = new TestClient(await h().app());
    await client.get('/auth/staff-login');
    assert.equal((await client.post('/auth/staff-login', { username: 'keyholder', password })).headers.location, '/auth/staff-login/enrol');
    await client.get('/auth/staff-login/enrol');
    const begin = await client.json('POST', '/auth/staff-login/enrol/key/options', { name: 'Admin-Schlüssel' });
    assert.equal(begin.statusCode, 200);
    const done = await client.json('POST', '/auth/staff-login/enrol/key/verify', { credential: key.createCredential(begin.json().options) });
    assert.equal(done.statusCode, 200, done.body);
    assert.match(done.json().redirect, /^\/auth\/recovery-codes\?next=/);
    const codes = await client.get(done.json().redirect);
    assert.equal([...codes.body.matchAll(/<li>[a-z0-9-]{14}<\/li>/g)].length, 10);

    const again = new TestClient(await h().app());
    await again.get('/auth/staff-login');
    assert.equal((await again.post('/auth/staff-login', { username: 'keyholder', password, next: '/auth/keys' })).headers.location, '/auth/staff-login/verify');
    const page = await again.get('/auth/staff-login/verify');
    assert.match(page.body, /Sicherheitsschlüssel verwenden/);
    assert.doesNotMatch(page.body, /name="code"/, 'no authenticator app set up');
    const options = await again.json('POST', '/auth/staff-login/key/options', {});
    const verified = await again.json('POST', '/auth/staff-login/key/verify', { credential: key.getAssertion(options.json().options) });
    assert.equal(verified.statusCode, 200, verified.body);
    assert.equal(verified.json().redirect, '/auth/keys');
    const keys = await again.get('/auth/keys');
    assert.match(keys.body, /Admin-Schlüssel/);
    assert.match(keys.body, /Unbenutzte Wiederherstellungscodes: 10/);
  });

  it('regenerates recovery codes for a fully signed-in staff member, shown once', async () => {
    const account = await staffWithTotp(db(), h().settings.secretKey, { username: 'regen' });
    const client = new TestClient(await h().app());
    await signInStaff(client, account);
    await client.get('/auth/keys');
    const response = await client.post('/auth/keys/recovery-codes');
    assert.equal(response.headers.location, '/auth/recovery-codes?next=%2Fauth%2Fkeys');
    const page = await client.get('/auth/recovery-codes?next=%2Fauth%2Fkeys');
    assert.equal([...page.body.matchAll(/<li>[a-z0-9-]{14}<\/li>/g)].length, 10);
    assert.equal((await client.get('/auth/recovery-codes?next=%2Fauth%2Fkeys')).statusCode, 302);
  });
});

describeEachBackend('request ceilings', (h) => {
  it('caps password attempts per address at 30 a minute (before any database lockout)', async () => {
    const client = new TestClient(await h().app());
    await client.get('/auth/staff-login');
    for (let i = 0; i < 30; i++) {
      assert.equal((await client.post('/auth/staff-login', { username: `nobody${i}`, password: 'wrong password!' })).statusCode, 401);
    }
    const capped = await client.post('/auth/staff-login', { username: 'nobody-else', password: 'wrong password!' });
    assert.equal(capped.statusCode, 429);
  });
});
