import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { TestClient } from '../../../test/support/http.js';
import { personWithKey } from '../testing/sign-in.js';

/** A found or stolen key alone must not open an account (issue 10, finding 5). */
describeEachBackend('what each key login requires', (h) => {
  const db = () => h().system.context.db.kysely;

  it('the passkey login (no user code) asks for and requires user verification', async () => {
    const { authenticator } = await personWithKey(db(), { displayName: 'Uv Person' });
    const client = new TestClient(await h().app());
    await client.get('/auth/login-user');
    const begin = await client.json('POST', '/auth/passkey/options', {});
    assert.equal(begin.json().options.userVerification, 'required');
    const touchOnly = await client.json('POST', '/auth/passkey/verify', { credential: authenticator.getAssertion(begin.json().options, { userVerified: false }) });
    assert.equal(touchOnly.statusCode, 401, touchOnly.body);
    assert.equal((await client.get('/auth/sessions')).statusCode, 303, 'no session after a touch-only passkey');

    const again = await client.json('POST', '/auth/passkey/options', {});
    const verified = await client.json('POST', '/auth/passkey/verify', { credential: authenticator.getAssertion(again.json().options) });
    assert.equal(verified.statusCode, 200, verified.body);
  });

  it('the user code + key login accepts a touch: the code names the account, the key proves possession', async () => {
    const { user, authenticator } = await personWithKey(db(), { displayName: 'Touch Person' });
    const client = new TestClient(await h().app());
    await client.get('/auth/login-user');
    const begin = await client.json('POST', '/auth/login-user/options', { user_code: user.user_code });
    assert.equal(begin.json().options.userVerification, 'preferred');
    const done = await client.json('POST', '/auth/login-user/verify', { credential: authenticator.getAssertion(begin.json().options, { userVerified: false }) });
    assert.equal(done.statusCode, 200, done.body);
  });
});
