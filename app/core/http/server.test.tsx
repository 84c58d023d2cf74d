import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { TestClient } from '../../../test/support/http.js';
import { sha256Hex } from './tokens.js';
import { SESSION_COOKIE } from './sessions.js';
import { localPath } from './redirects.js';
import type { FastifyInstance } from 'fastify';
import { Layout } from '../ui/layout.js';
import { pageContext } from '../ui/page-context.js';

const testRoutes = (app: FastifyInstance) => {
  app.get('/__test/session', async (request, reply) => {
    const ctx = await pageContext(request, { forms: true });
    return reply.html(<Layout ctx={ctx} title="form">form</Layout>);
  });
  app.post('/__test/form', async () => ({ ok: true }));
};

describeEachBackend('http platform', (h) => {
  it('answers /healthz and /readyz', async () => {
    const app = await h().app();
    assert.equal((await app.inject({ url: '/healthz', headers: { host: 'localhost' } })).statusCode, 200);
    const ready = await app.inject({ url: '/readyz', headers: { host: 'localhost' } });
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json().checks.database, 'ok');
  });

  it('links an SVG favicon from every page and serves the same file at /favicon.ico', async () => {
    const app = await h().app();
    const page = await app.inject({ url: '/__test/session', headers: { host: 'localhost' } });
    const href = /<link rel="icon" href="([^"]+)" type="image\/svg\+xml"/.exec(page.body)?.[1];
    assert.ok(href?.endsWith('/app/favicon.svg'), page.body.slice(0, 600));
    const asset = await app.inject({ url: href, headers: { host: 'localhost' } });
    const legacy = await app.inject({ url: '/favicon.ico', headers: { host: 'localhost' } });
    for (const response of [asset, legacy]) {
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^image\/svg\+xml/);
    }
    assert.equal(legacy.body, asset.body);
    assert.match(legacy.body, /^<svg /);
  });

  it('rejects a Host that is not in ALLOWED_HOSTS', async () => {
    const app = await h().app();
    const response = await app.inject({ url: '/healthz', headers: { host: 'evil.example' } });
    assert.equal(response.statusCode, 400);
  });

  it('sends a strict same-origin CSP and no-sniff headers', async () => {
    const app = await h().app();
    const response = await app.inject({ url: '/', headers: { host: 'localhost' } });
    assert.match(String(response.headers['content-security-policy']), /default-src 'self'/);
    assert.match(String(response.headers['content-security-policy']), /script-src 'self'(;|$)/);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
  });

  it('answers unknown API paths with a JSON error and others with an HTML page', async () => {
    const app = await h().app();
    const api = await app.inject({ url: '/api/nope', headers: { host: 'localhost' } });
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().error.code, 'not_found');
    const page = await app.inject({ url: '/nope', headers: { host: 'localhost', accept: 'text/html' } });
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /Fehler 404/);
  });

  it('creates no session for an anonymous page view', async () => {
    const app = await h().app();
    const response = await app.inject({ url: '/', headers: { host: 'localhost' } });
    assert.equal(response.cookies.find((c) => c.name === SESSION_COOKIE), undefined);
  });

  it('accepts a form post with the token from the page', async () => {
    const app = await h().app();
    const client = new TestClient(app);
    await client.get('/__test/session');
    const ok = await client.post('/__test/form', { a: '1' }, { host: 'localhost' });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { ok: true });
  });

  it('stores only a hash of the session cookie, never the cookie value', async () => {
    const app = await h().app();
    const { db } = h().system.context;
    const token = await createSessionThroughForm(app);
    const rows = await db.kysely.selectFrom('core_sessions').selectAll().execute();
    assert.ok(rows.length >= 1);
    for (const row of rows) {
      for (const value of Object.values(row)) assert.notEqual(value, token);
    }
    assert.ok(rows.some((r) => r.token_hash === sha256Hex(token)));
  });

  it('rejects a forged form post without the CSRF token (and with a foreign Origin)', async () => {
    const app = await h().app();
    const token = await createSessionThroughForm(app);
    const cookie = `${SESSION_COOKIE}=${token}`;
    const forged = await app.inject({
      method: 'POST',
      url: '/__test/form',
      payload: 'a=1',
      headers: { host: 'localhost', cookie, 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(forged.statusCode, 403);
    assert.match(forged.body, /Fehler 403/);
    const foreign = await app.inject({
      method: 'POST',
      url: '/__test/form',
      payload: 'a=1',
      headers: { host: 'localhost', cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(foreign.statusCode, 403);
  });

  it('follows only local paths after a form (no open redirect)', () => {
    assert.equal(localPath('/nadooit-os/?a=1'), '/nadooit-os/?a=1');
    assert.equal(localPath('//evil.example/x'), '/');
    assert.equal(localPath('https://evil.example/'), '/');
    assert.equal(localPath('/\\evil.example'), '/');
    assert.equal(localPath(undefined, '/home'), '/home');
  });
}, { routes: testRoutes });

/** Opens the test form page (which forces a session) and returns the session cookie's value. */
async function createSessionThroughForm(app: FastifyInstance): Promise<string> {
  const response = await app.inject({ url: '/__test/session', headers: { host: 'localhost' } });
  const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE);
  assert.ok(cookie, 'session cookie set');
  return cookie.value;
}
