import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { useFixedClock } from '../../test/support/clock.js';
import { describeEachBackend } from '../../test/support/harness.js';
import { paths } from './paths.js';
import { clientAs } from './testing/session.js';
import { dashboardWorld } from './testing/world.js';
import type { DashboardWorld } from './testing/world.js';

const NOW = useFixedClock();
const HTML = { accept: 'text/html' };

/** The navbar's markup of a page. */
const navbar = (body: string) => /<nav class="navbar[\s\S]*?<\/nav>/.exec(body)?.[0] ?? '';

describeEachBackend('the navigation shell', (h) => {
  let w: DashboardWorld;
  const db = () => h().system.context.db.kysely;
  const client = async (userId: string) => clientAs(await h().app(), db(), h().settings, userId);

  before(async () => {
    w = await dashboardWorld(db(), { now: NOW });
  });

  it('is the same on the dashboard and the account pages: areas, own menu, one logout', async () => {
    const c = await client(w.boss.userId);
    const pages = await Promise.all([paths.home, paths.bookings, '/auth/keys', '/auth/sessions'].map((p) => c.get(p)));
    const bars = pages.map((p) => {
      assert.equal(p.statusCode, 200);
      // The active marker differs per page; everything else is one navigation.
      return navbar(p.body).replaceAll(' active', '').replace(/ aria-current="page"/g, '').replace(/href="\/language[^"]*"/, '');
    });
    bars.forEach((bar, i) => assert.ok(bar === bars[0], `page ${i} has another navigation`));
    const bar = bars[0]!;
    for (const link of [paths.home, paths.bookings, paths.timeAccounts, paths.programs, paths.employees, '/auth/keys', '/auth/sessions', paths.profile]) {
      assert.match(bar, new RegExp(`href="${link}"`), link);
    }
    assert.equal(bar.match(/action="\/auth\/logout-user"/g)?.length, 1);
    assert.match(bar, />Abmelden</);
    assert.doesNotMatch(bar, /Logout/);
    const english = navbar((await c.get('/auth/keys', { 'accept-language': 'en' })).body);
    assert.match(english, />Log out</);
  });

  it('keeps the navigation on a 404 and says where to go', async () => {
    const page = await (await client(w.executions.userId)).get('/nadooit-os/no-such-page', HTML);
    assert.equal(page.statusCode, 404);
    assert.match(navbar(page.body), new RegExp(`href="${paths.bookings}"`));
    const areas = /id="error-areas"[\s\S]*?<\/div><\/div>/.exec(page.body)?.[0] ?? '';
    assert.match(areas, new RegExp(`href="${paths.bookings}"`));
    assert.doesNotMatch(areas, new RegExp(`href="${paths.employees}"`), 'only areas this person may open');
  });

  it('explains the admin to a manager instead of a bare 403', async () => {
    const page = await (await client(w.boss.userId)).get('/admin/', HTML);
    assert.equal(page.statusCode, 403);
    assert.match(page.body, /id="error-reason"[^>]*>Die Administration ist den Mitarbeitern von NADOOIT vorbehalten/);
    assert.match(page.body, new RegExp(`class="btn btn-primary" href="${paths.home}"`));
    assert.match(navbar(page.body), new RegExp(`href="${paths.bookings}"`));
  });

  it('shows a visitor the login, not a navigation', async () => {
    const page = await (await h().app()).inject({ url: '/nadooit-os/no-such-page', headers: HTML });
    assert.doesNotMatch(navbar(page.body), /logout-user/);
  });
});
