import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../support/harness.js';
import { bookingWorld } from '../../app/nadooit_api_executions_system/testing/fixtures.js';
import { clientAs } from '../../app/nadooit_os/testing/session.js';

/** Private answers are nobody else's to cache (issue 10, finding 10). */
describeEachBackend('Cache-Control on private answers', (h) => {
  it('signed-in pages and the login form say no-store; static assets keep their year-long cache', async () => {
    const app = await h().app();
    const world = await bookingWorld(h().system.context.db.kysely, { balanceSeconds: 60 });
    const person = await clientAs(app, h().system.context.db.kysely, h().settings, world.bot.userId);
    for (const url of ['/nadooit-os/', '/nadooit-os/hr/my-profile', '/auth/keys', '/auth/sessions']) {
      const page = await person.get(url);
      assert.equal(page.statusCode, 200, url);
      assert.equal(page.headers['cache-control'], 'no-store', url);
    }
    const login = await app.inject({ method: 'GET', url: '/auth/login-user' });
    assert.match(String(login.headers['set-cookie'] ?? ''), /nadooit_session/, 'the login form starts a session for its CSRF token');
    assert.equal(login.headers['cache-control'], 'no-store');
    const stylesheet = /href="(\/static\/[^"]+\.css)"/.exec(login.body)![1]!;
    const asset = await person.get(stylesheet);
    assert.equal(asset.statusCode, 200);
    assert.match(String(asset.headers['cache-control']), /max-age=31536000/);
  });
});
