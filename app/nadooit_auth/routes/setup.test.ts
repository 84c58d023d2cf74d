import { it } from 'node:test';
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import { describeEachBackend } from '../../../test/support/harness.js';
import { TestClient } from '../../../test/support/http.js';
import { announceFirstRun } from './setup.js';

const form = {
  username: 'chef',
  display_name: 'Chefin',
  email: 'chef@example.com',
  password: 'first administrator passphrase',
  password_confirm: 'first administrator passphrase',
};

describeEachBackend('first-run setup', (h) => {
  it('is refused from another machine without the printed token', async () => {
    const app = await h().app();
    const remote = await app.inject({ url: '/auth/setup', remoteAddress: '203.0.113.9', headers: { host: 'localhost' } });
    assert.equal(remote.statusCode, 403);
    const proxied = await app.inject({ url: '/auth/setup', headers: { host: 'localhost', 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(proxied.statusCode, 403, 'a request through a local proxy is not local');
    const guessed = await app.inject({ url: '/auth/setup?token=guess', remoteAddress: '203.0.113.9', headers: { host: 'localhost' } });
    assert.equal(guessed.statusCode, 403);
  });

  it('validates the form and shows field errors', async () => {
    const client = new TestClient(await h().app());
    await client.get('/auth/setup');
    const response = await client.post('/auth/setup', { ...form, username: 'bad name', password: 'short', password_confirm: 'other' });
    assert.equal(response.statusCode, 422);
    assert.match(response.body, /Nur Buchstaben, Ziffern/);
    assert.match(response.body, /mindestens 12 Zeichen/);
    assert.match(response.body, /stimmen nicht überein/);
  });

  it('creates the first administrator with the printed token, then insists on a second factor; afterwards the page is gone', async () => {
    const app = await h().app();
    const token = await announceFirstRun(h().system.context);
    assert.ok(token);
    const page = await app.inject({ url: `/auth/setup?token=${token}`, remoteAddress: '203.0.113.9', headers: { host: 'localhost' } });
    assert.equal(page.statusCode, 200);
    const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(page.body)![1]!;
    const created = await app.inject({
      method: 'POST',
      url: '/auth/setup',
      remoteAddress: '203.0.113.9',
      headers: { host: 'localhost', cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...form, token, csrfmiddlewaretoken: csrf }).toString(),
    });
    assert.equal(created.statusCode, 302, created.body);
    assert.equal(created.headers.location, '/auth/staff-login/enrol');
    const user = await h().system.context.db.kysely.selectFrom('users').selectAll().where('username', '=', 'chef').executeTakeFirstOrThrow();
    assert.ok(user.is_staff && user.is_superuser);

    // The same browser continues with the authenticator enrolment.
    const sessionCookie = created.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const enrol = await app.inject({ url: '/auth/staff-login/enrol', headers: { host: 'localhost', cookie: sessionCookie } });
    assert.equal(enrol.statusCode, 200);
    const secret = /<code id="totp-secret">([A-Z2-7]+)<\/code>/.exec(enrol.body)![1]!;
    const csrf2 = /name="csrf-token" content="([^"]+)"/.exec(enrol.body)![1]!;
    const confirmed = await app.inject({
      method: 'POST',
      url: '/auth/staff-login/enrol',
      headers: { host: 'localhost', cookie: sessionCookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ code: await generate({ secret }), csrfmiddlewaretoken: csrf2 }).toString(),
    });
    assert.equal(confirmed.statusCode, 302);
    assert.match(String(confirmed.headers.location), /^\/auth\/recovery-codes/);

    const client = new TestClient(app);
    assert.equal((await client.get('/auth/setup')).statusCode, 404);
    assert.equal((await client.get(`/auth/setup?token=${token}`)).statusCode, 404);
    assert.equal(await announceFirstRun(h().system.context), null);
  });
});
