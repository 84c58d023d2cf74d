import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { useFixedClock } from '../../test/support/clock.js';
import { describeEachBackend } from '../../test/support/harness.js';
import { decideComplaint, fileComplaint } from '../nadoo_complaint_management/services.js';
import type { Complaint } from '../nadoo_complaint_management/services.js';
import { paths } from './paths.js';
import { clientAs } from './testing/session.js';
import { shortId } from '../core/ids.js';
import { dashboardWorld } from './testing/world.js';
import type { DashboardWorld } from './testing/world.js';

const NOW = useFixedClock();
const HTML = { accept: 'text/html' };

describeEachBackend('NADOOIT OS complaint pages', (h) => {
  let w: DashboardWorld;
  let mine: Complaint;
  let theirs: Complaint;
  const db = () => h().system.context.db.kysely;
  const client = async (userId: string) => clientAs(await h().app(), db(), h().settings, userId);

  before(async () => {
    w = await dashboardWorld(db(), { now: NOW });
    mine = await fileComplaint(db(), { actorUserId: w.executions.userId, executionId: w.bookingsA[0]!, text: 'Doppelt gebucht' });
    await decideComplaint(db(), { actorUserId: null, asStaff: true, complaintId: mine.id, to: 'IN_PROGRESS', note: 'Wir prüfen das.' });
    theirs = await fileComplaint(db(), { actorUserId: w.other.userId, executionId: w.bookingsB[0]!, text: 'Beta: falsche Dauer' });
  });

  it("lists each customer's complaints with status, linked to the complaint and its booking", async () => {
    const page = await (await client(w.executions.userId)).get(paths.complaints);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`href="${paths.complaint(mine.id)}"`));
    assert.match(page.body, new RegExp(`Buchung ${shortId(w.bookingsA[0]!)}`));
    assert.match(page.body, /Doppelt gebucht/);
    assert.match(page.body, /data-status="IN_PROGRESS"/);
    assert.doesNotMatch(page.body, /Beta: falsche Dauer/, "another customer's complaint stays out");
    const plain = await (await client(w.plain.userId)).get(paths.complaints, HTML);
    assert.equal(plain.statusCode, 403);
  });

  it('shows the decision history and lets the manager comment; an empty comment is a field error', async () => {
    const c = await client(w.executions.userId);
    const page = await c.get(paths.complaint(mine.id));
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Wir prüfen das\./);
    assert.match(page.body, /id="complaint-booking"/);
    const empty = await c.post(paths.complaintComment(mine.id), { text: '   ' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /class="invalid-feedback"/);
    const sent = await c.post(paths.complaintComment(mine.id), { text: 'Die zweite Ausführung bitte stornieren.' });
    assert.equal(sent.statusCode, 303);
    const after = await c.get(paths.complaint(mine.id));
    const history = /id="complaint-history"[\s\S]*?<\/ol>/.exec(after.body)![0];
    assert.ok(history.indexOf('Wir prüfen das.') < history.indexOf('Die zweite Ausführung bitte stornieren.'), 'oldest first');
    assert.match(after.body, /Ihr Kommentar wurde gespeichert\./);
  });

  it("refuses another customer's complaint and an unknown one", async () => {
    const c = await client(w.executions.userId);
    assert.equal((await c.get(paths.complaint(theirs.id), HTML)).statusCode, 403);
    assert.equal((await c.post(paths.complaintComment(theirs.id), { text: 'Hallo' })).statusCode, 403);
    assert.equal((await c.get(paths.complaint('00000000-0000-4000-8000-000000000000'), HTML)).statusCode, 404);
    assert.equal((await c.get(`${paths.complaints}/not-a-uuid`, HTML)).statusCode, 404);
  });
});
