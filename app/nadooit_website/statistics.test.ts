import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { createStaff, staffLogin } from '../../test/e2e/admin-support.js';
import { recomputeExperiment, startExperiment } from './services/experiment.js';
import { websiteStatistics } from './services/statistics.js';
import { order, section, sendSignal, visit } from './testing/fixtures.js';

describeEachBackend('website statistics page for staff', (h) => {
  const db = () => h().system.context.db.kysely;

  it('shows visits and sessions per day, scores, the experiment and sections by time — only to staff who may view sessions', async () => {
    const app = await h().app();
    const long = await section(db(), 'Preise', { signals: ['revealed', 'mouseleave'] });
    const short = await section(db(), 'Team', { signals: ['revealed', 'mouseleave'] });
    await order(db(), 'Start', [long, short]);
    await startExperiment(db(), { name: 'Startseite', goal: 'reached_end' });
    const pages = [await visit(app), await visit(app), await visit(app)];
    await visit(app, { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' });
    // Sessions that started two minutes ago, so the hover times below fit into their age.
    await db().updateTable('web_sessions').set({ started_at: new Date(Date.now() - 120_000).toISOString() }).execute();
    for (const page of pages) {
      for (const [sectionId, seconds] of [[long, 40], [short, 5]] as const) {
        assert.equal((await sendSignal(app, `/signal/${page.sessionId}/${sectionId}/revealed/`, page.token)).statusCode, 200);
        assert.equal((await sendSignal(app, `/signal/${page.sessionId}/${sectionId}/mouseleave/`, page.token, { interaction_time: seconds })).statusCode, 200);
      }
    }
    assert.equal((await sendSignal(app, `/end_of_session_sections/${pages[0]!.sessionId}/${short}`, pages[0]!.token)).statusCode, 200);
    await recomputeExperiment(db());

    const anonymous = await app.inject({ method: 'GET', url: '/website/statistics', headers: { host: 'localhost' } });
    assert.ok([302, 303].includes(anonymous.statusCode));
    assert.match(String(anonymous.headers.location), /^\/auth\/staff-login/);
    const ungranted = await staffLogin(app, await createStaff(db(), h().settings));
    assert.equal((await ungranted.get('/website/statistics')).statusCode, 403);

    const staff = await staffLogin(app, await createStaff(db(), h().settings, { grants: [['nadooit_website.sessions', 'view']] }));
    const page = await staff.get('/website/statistics');
    assert.equal(page.statusCode, 200, page.body.slice(0, 300));
    assert.match(page.body, /<p class="text-muted" id="statistics-totals">4 Besuche, 3 Sitzungen, 1 Bot-Sitzungen, 1 Conversions<\/p>/);
    assert.match(page.body, /aria-label="Besuche pro Tag"/);
    assert.match(page.body, /aria-label="Verteilung der Sitzungspunkte"/);
    assert.match(page.body, /<title>10–49: 3<\/title>/, 'two sessions scored 10 (two reveals), the third 20 (it also reached the end)');
    const table = page.body.slice(page.body.indexOf('id="statistics-sections"'));
    assert.ok(table.indexOf('Preise') < table.indexOf('Team'), 'ranked by time');
    assert.match(table, /<td class="text-end">2 min<\/td><td class="text-end">3<\/td>/, '3 × 40 s on Preise, seen 3 times');
    assert.match(page.body, /Experiment: Startseite \(läuft, Letzten Abschnitt erreicht\)/);
    assert.match(page.body, /id="experiment-arms"/);
    assert.doesNotMatch(page.body, /<script(?![^>]*\bsrc=)[^>]*>|\sstyle=/, 'no inline code (CSP)');
    assert.equal((await staff.get('/website/statistics?days=8')).statusCode, 400);
    assert.equal((await staff.get('/website/statistics?days=7')).statusCode, 200);
  });

  it('counts a visit in the first hour of a local day (Berlin 00:30 is 23:30 UTC) in that day', async () => {
    const to = new Date('2026-03-10T23:45:00Z');
    await db().insertInto('web_visits').values({ id: '0195d1a0-0000-7000-8000-000000000001', site: '/', visit_date: '2026-03-10T23:30:00.000Z' }).execute();
    const stats = await websiteStatistics(db(), { from: new Date(to.getTime() - 7 * 86_400_000), to, timeZone: 'Europe/Berlin' });
    assert.equal(stats.days.at(-1)?.day, '2026-03-11');
    assert.equal(stats.days.at(-1)?.visits, 1);
  });
});
