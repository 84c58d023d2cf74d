import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Harness } from '../../test/support/harness.js';
import { describeEachBackend } from '../../test/support/harness.js';
import { randomToken, sha256Hex } from '../core/http/tokens.js';
import { SESSION_COOKIE } from '../core/http/sessions.js';
import { registerPrivateMediaAuthoriser, signedPrivateMediaUrl } from './private-media.js';

/** Test users come from the session data, so the gate is tested without the identity app's login. */
function testUsers(app: FastifyInstance): void {
  app.userResolver = async (userId, session) => ({
    id: userId,
    displayName: 'Test',
    userCode: 'TEST01',
    isStaff: session.data.role === 'staff',
    isSuperuser: false,
    secondFactorVerified: session.data.mfa === true,
  });
}

async function sessionCookie(h: Harness, data: Record<string, unknown>): Promise<string> {
  const token = randomToken(32);
  const now = new Date();
  await h.system.context.db.kysely
    .insertInto('core_sessions')
    .values({
      id: randomUUID(),
      token_hash: sha256Hex(token),
      user_id: randomUUID(),
      data: JSON.stringify(data),
      ip: null,
      user_agent: null,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 3600_000).toISOString(),
    })
    .execute();
  return `${SESSION_COOKIE}=${token}`;
}

function mediaFiles(h: Harness): void {
  const root = h.settings.mediaRoot;
  mkdirSync(path.join(root, 'private', 'exports', 'old'), { recursive: true });
  mkdirSync(path.join(root, 'private', 'shared'), { recursive: true });
  writeFileSync(path.join(root, 'private', 'exports', 'report 1.csv'), 'a;b\n1;2\n');
  writeFileSync(path.join(root, 'private', 'shared', 'hello.txt'), 'hello');
  writeFileSync(path.join(root, 'private', 'voice.oga'), 'voice');
  writeFileSync(path.join(root, 'logo.txt'), 'public logo');
  writeFileSync(path.join(root, '.secret'), 'hidden');
}

registerPrivateMediaAuthoriser('shared/', () => true);
registerPrivateMediaAuthoriser('exports/old/', () => false);

describeEachBackend(
  'private media gate (direct, no proxy)',
  (h) => {
    before(() => mediaFiles(h()));

    it('sends an anonymous browser to the login page with a flash and the way back', async () => {
      const app = await h().app();
      const response = await app.inject({ url: '/media/private/voice.oga', headers: { accept: 'text/html' } });
      assert.equal(response.statusCode, 302);
      assert.equal(response.headers.location, `/auth/login-user?next=${encodeURIComponent('/media/private/voice.oga')}`);
      const cookie = String(response.headers['set-cookie']);
      assert.match(cookie, new RegExp(`^${SESSION_COOKIE}=`));
      assert.doesNotMatch(cookie, /Secure/);
    });

    it('refuses anonymous non-page requests and signed-in people who are not staff', async () => {
      const app = await h().app();
      assert.equal((await app.inject({ url: '/media/private/voice.oga', headers: { accept: 'application/json' } })).statusCode, 403);
      const customer = await sessionCookie(h(), { role: 'customer' });
      const html = await app.inject({ url: '/media/private/voice.oga', headers: { cookie: customer, accept: 'text/html' } });
      assert.equal(html.statusCode, 403);
      const staffWithoutMfa = await sessionCookie(h(), { role: 'staff' });
      assert.equal((await app.inject({ url: '/media/private/voice.oga', headers: { cookie: staffWithoutMfa } })).statusCode, 403);
    });

    it('delivers the file to staff with a verified second factor, and 404 for a missing one', async () => {
      const app = await h().app();
      const staff = await sessionCookie(h(), { role: 'staff', mfa: true });
      const response = await app.inject({ url: '/media/private/exports/report%201.csv', headers: { cookie: staff } });
      assert.equal(response.statusCode, 200);
      assert.equal(response.body, 'a;b\n1;2\n');
      assert.equal(response.headers['cache-control'], 'private, no-cache');
      assert.equal(response.headers['x-accel-redirect'], undefined);
      assert.equal((await app.inject({ url: '/media/private/nope.txt', headers: { cookie: staff } })).statusCode, 404);
    });

    it('lets registered authorisers allow or deny their folder, whoever asks', async () => {
      const app = await h().app();
      assert.equal((await app.inject({ url: '/media/private/shared/hello.txt' })).body, 'hello');
      writeFileSync(path.join(h().settings.mediaRoot, 'private', 'exports', 'old', 'x.csv'), 'x');
      const staff = await sessionCookie(h(), { role: 'staff', mfa: true });
      assert.equal((await app.inject({ url: '/media/private/exports/old/x.csv', headers: { cookie: staff } })).statusCode, 403);
    });

    it('accepts a signed link until it expires and rejects a tampered one', async () => {
      const app = await h().app();
      const url = signedPrivateMediaUrl(h().settings, 'exports/report 1.csv', 60);
      assert.equal((await app.inject({ url })).body, 'a;b\n1;2\n');
      const expired = signedPrivateMediaUrl(h().settings, 'exports/report 1.csv', 60, Date.now() - 120_000);
      assert.equal((await app.inject({ url: expired })).statusCode, 403);
      assert.equal((await app.inject({ url: url.replace('report%201.csv', 'voice.oga') })).statusCode, 403);
      const tampered = url.replace(/signature=(.)/, (_, first: string) => `signature=${first === 'x' ? 'y' : 'x'}`);
      assert.notEqual(tampered, url);
      assert.equal((await app.inject({ url: tampered })).statusCode, 403);
    });

    it('never leaves the private folder and hides dotfiles', async () => {
      const app = await h().app();
      const staff = await sessionCookie(h(), { role: 'staff', mfa: true });
      for (const url of ['/media/private/%2e%2e%2f%2e%2e%2fsecret_key', '/media/private/shared/..%2f..%2flogo.txt', '/media/private/.hidden', '/media/private/a//b']) {
        const response = await app.inject({ url, headers: { cookie: staff } });
        assert.equal(response.statusCode, 404, url);
      }
    });

    it('serves public media itself (for development) but not private or hidden files', async () => {
      const app = await h().app();
      const logo = await app.inject({ url: '/media/logo.txt' });
      assert.equal(logo.statusCode, 200);
      assert.equal(logo.body, 'public logo');
      assert.notEqual((await app.inject({ url: '/media/.secret' })).statusCode, 200);
      assert.equal((await app.inject({ url: '/media/private/voice.oga', headers: { accept: '*/*' } })).statusCode, 403);
    });
  },
  { routes: testUsers },
);

describeEachBackend(
  'private media gate behind nginx (TRUST_PROXY on)',
  (h) => {
    before(() => mediaFiles(h()));

    it('answers an authorised request with X-Accel-Redirect to the internal location, without a body', async () => {
      const app = await h().app();
      const staff = await sessionCookie(h(), { role: 'staff', mfa: true });
      const response = await app.inject({
        url: '/media/private/exports/report%201.csv',
        headers: { cookie: staff, 'x-accel-internal-prefix': '/_private_media/' },
      });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['x-accel-redirect'], '/_private_media/exports/report%201.csv');
      assert.equal(response.body, '');
    });

    it('marks the session cookie Secure when the proxy says the request came over HTTPS', async () => {
      const app = await h().app();
      const response = await app.inject({
        url: '/media/private/voice.oga',
        headers: { accept: 'text/html', 'x-forwarded-proto': 'https' },
      });
      assert.equal(response.statusCode, 302);
      assert.match(String(response.headers['set-cookie']), /; Secure/);
    });
  },
  { routes: testUsers, settings: { TRUST_PROXY: '1' } },
);
