import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { createStaff, staffLogin } from '../../test/e2e/admin-support.js';
import { recordConversion } from './services/signals.js';
import { startSession } from './services/pages.js';
import { order, section } from './testing/fixtures.js';

describeEachBackend('website experiment in the admin: start, results with chart, recompute, ship the winner', (h) => {
  const db = () => h().system.context.db.kysely;

  it('staff start an experiment, read its results per order and ship the winner once it is declared', async () => {
    const s = await section(db(), 'Angebot');
    const t = await section(db(), 'Team');
    const good = await order(db(), 'Angebot zuerst', [s, t]);
    const weak = await order(db(), 'Team zuerst', [t, s]);
    const app = await h().app();
    const client = await staffLogin(app, await createStaff(db(), h().settings, { superuser: true }));
    const created = await client.post('/admin/nadooit_website/experiments/add', { name: 'Startseite <Test>', goal: 'question_asked', min_sessions: '20', floor_percent: '5', _continue: '1' });
    assert.equal(created.statusCode, 303, created.body);
    const id = /experiments\/([0-9a-f-]{36})\/change/.exec(String(created.headers.location))![1]!;
    const second = await client.post('/admin/nadooit_website/experiments/add', { name: 'Zweites', goal: 'meeting_request', min_sessions: '20', floor_percent: '5' });
    assert.equal(second.statusCode, 422, 'a second running experiment is refused on the form');
    assert.match(second.body, /already running/);
    assert.match((await client.get(`/admin/nadooit_website/experiments/${id}/`)).body, /Noch nicht berechnet/);

    // 60 sessions per order; the first converts far more often.
    for (const [orderId, converting] of [[good, 24], [weak, 3]] as const) {
      for (let i = 0; i < 60; i++) {
        const started = await startSession(db(), { ipHash: null, isBot: false, random: () => (orderId === [good, weak].sort()[0] ? 0 : 0.99) });
        if (i < converting) await recordConversion(db(), { sessionId: started.sessionId, goal: 'question_asked', points: 100 });
      }
    }
    await db().updateTable('web_sessions').set({ duration_seconds: 5 }).execute();
    const refused = await client.post('/admin/nadooit_website/experiments/action', { action: 'ship_winner', ids: id, confirm: '1' });
    assert.match(refused.body, /No order is best/, 'no winner before a run declared one');

    const recompute = await client.post('/admin/nadooit_website/experiments/action', { action: 'recompute', ids: id, confirm: '1' });
    assert.equal(recompute.statusCode, 303, recompute.body);
    const page = await client.get(`/admin/nadooit_website/experiments/${id}/`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /id="experiment-arms"/);
    assert.match(page.body, /Angebot zuerst/);
    assert.match(page.body, /<td class="text-end">60<\/td><td class="text-end">24<\/td>/);
    assert.match(page.body, /Gewinner: Angebot zuerst ist mit mindestens 95 %/);
    assert.match(page.body, /<svg viewBox="0 0 720 240" role="img" aria-label="Besucheranteil je Reihenfolge über die Zeit"/);
    assert.doesNotMatch(page.body, /Startseite <Test>/, 'names are escaped');

    const shipped = await client.post('/admin/nadooit_website/experiments/action', { action: 'ship_winner', ids: id, confirm: '1' });
    assert.equal(shipped.statusCode, 303, shipped.body);
    const experiment = await db().selectFrom('web_experiments').select(['status', 'winner_order_id']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual(experiment, { status: 'shipped', winner_order_id: good });
    const weakRow = await db().selectFrom('web_section_orders').select('is_active').where('id', '=', weak).executeTakeFirstOrThrow();
    assert.equal(weakRow.is_active, false);
    const audit = await db().selectFrom('admin_audit_log' as never).select(['action_name' as never]).where('object_id' as never, '=', id as never).execute();
    assert.ok((audit as Array<{ action_name: string }>).some((a) => a.action_name === 'ship_winner'), 'the action is audited');
  });

  it('staff without a grant on experiments cannot see or run them', async () => {
    const app = await h().app();
    const client = await staffLogin(app, await createStaff(db(), h().settings, { superuser: false }));
    assert.equal((await client.get('/admin/nadooit_website/experiments/')).statusCode, 403);
    const [experiment] = await db().selectFrom('web_experiments').select('id').execute();
    assert.equal((await client.post('/admin/nadooit_website/experiments/action', { action: 'recompute', ids: experiment!.id, confirm: '1' })).statusCode, 403);
  });
});
