import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeOnBackend } from '../../../test/support/harness.js';
import { TestClient } from '../../../test/support/http.js';

describeOnBackend('sqlite', 'security keys in development', (h) => {
  it('sends page loads on http://127.0.0.1 to http://localhost, where keys work', async () => {
    const app = await h().app();
    const page = await app.inject({ url: '/auth/login-user?next=%2Fnadooit-os%2F', headers: { host: '127.0.0.1:8000', accept: 'text/html' } });
    assert.equal(page.statusCode, 302);
    assert.equal(page.headers.location, 'http://localhost:8000/auth/login-user?next=%2Fnadooit-os%2F');
    const api = await app.inject({ url: '/healthz', headers: { host: '127.0.0.1:8000', accept: 'application/json' } });
    assert.notEqual(api.statusCode, 302, 'scripts and health checks are answered where they ask');
    const local = await app.inject({ url: '/auth/login-user', headers: { host: 'localhost:8000', accept: 'text/html' } });
    assert.equal(local.statusCode, 200);
  });

  it('refuses a ceremony from another address with a message naming the right one', async () => {
    const client = new TestClient(await h().app());
    const at = (host: string) => ({ host, origin: `http://${host}` });
    await client.get('/auth/login-user', { host: '127.0.0.1:8000' }); // a script's request: not redirected
    const response = await client.json('POST', '/auth/login-user/options', { user_code: 'ABC' }, at('127.0.0.1:8000'));
    assert.equal(response.statusCode, 400);
    const body = response.json() as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'webauthn_origin');
    assert.match(body.error.message, /http:\/\/localhost:8000/);
    assert.match(body.error.message, /http:\/\/127\.0\.0\.1:8000/);
    const right = await client.json('POST', '/auth/login-user/options', { user_code: 'ABC' }, at('localhost:8000'));
    assert.equal(right.statusCode, 200);
  });
}, { settings: { DEBUG: '1', PORT: '8000', WEBAUTHN_RP_ID: '', WEBAUTHN_ORIGIN: '' } });

describeOnBackend('sqlite', 'security keys in production', (h) => {
  it('never redirects by address, and names the configured origin on a mismatch', async () => {
    const app = await h().app();
    const page = await app.inject({ url: '/auth/login-user', headers: { host: '127.0.0.1', accept: 'text/html' } });
    assert.equal(page.statusCode, 200);
    const client = new TestClient(app);
    await client.get('/auth/login-user', { host: '127.0.0.1' });
    const response = await client.json('POST', '/auth/login-user/options', { user_code: 'ABC' }, { host: '127.0.0.1', origin: 'http://127.0.0.1' });
    assert.equal(response.statusCode, 400);
    assert.match((response.json() as { error: { message: string } }).error.message, /http:\/\/localhost/);
  });
});
