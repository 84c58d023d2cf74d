import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { useFixedClock } from '../../test/support/clock.js';
import { describeEachBackend } from '../../test/support/harness.js';
import { customerTimeAccounts } from '../nadooit_time_account/services.js';
import { paths } from './paths.js';
import { demoWorld } from './testing/demo.js';
import type { DemoWorld } from './testing/demo.js';
import { clientAs } from './testing/session.js';

const NOW = useFixedClock();

describeEachBackend('NADOOIT OS ledger chart', (h) => {
  let w: DemoWorld;
  const db = () => h().system.context.db.kysely;
  before(async () => {
    w = await demoWorld(db(), NOW);
  });

  it('draws the balance over time with top-ups, the warning threshold and when it runs out', async () => {
    const [account] = await customerTimeAccounts(db(), w.a.customerId);
    const page = await (await clientAs(await h().app(), db(), h().settings, w.boss.userId)).get(paths.timeAccount(account!.timeAccountId));
    assert.equal(page.statusCode, 200);
    const chart = /<figure[^>]*id="balance-chart"[\s\S]*?<\/figure>/.exec(page.body)?.[0] ?? '';
    assert.match(chart, /class="balance-line" d="M[\d.]+,[\d.]+ H/);
    // The package and the approved request's top-up.
    assert.equal(chart.match(/class="top-up"/g)?.length, 2);
    assert.match(chart, /class="threshold"/);
    assert.match(chart, /class="month"/);
    // The demo's last bookings use time every few minutes, so the balance runs out within the window.
    assert.match(page.body, /id="balance-forecast"[^>]*>Bei der Nutzung der letzten 30 Tage \([^)]+ pro Tag\) ist das Guthaben voraussichtlich am \d\d\.\d\d\.\d{4} aufgebraucht\./);
  });
});
