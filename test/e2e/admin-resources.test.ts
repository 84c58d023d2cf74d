import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { sql } from 'kysely';
import { buildSite } from '../../app/nadooit_admin/resources.js';
import { allows, resourceKey, resourceUrl } from '../../app/core/admin/site.js';
import { FakePlatforms } from '../../app/bot_management/testing/fakes.js';
import { FIXED_NOW } from '../support/clock.js';
import { describeEachBackend } from '../support/harness.js';
import { createStaff, listedIds, staffLogin } from './admin-support.js';
import { everyModel } from './every-model.js';

// The bots' fixtures talk to fake Telegram and chat APIs.
const fakes = await new FakePlatforms().start();
after(() => fakes.stop());

describeEachBackend(
  'admin: every model is reachable',
  (h) => {
    it('answers list, CSV export, add, detail, change and delete confirmation of every resource for a superuser, each with a row', async () => {
      const { db } = h().system.context;
      const app = await h().app();
      const client = await staffLogin(app, await createStaff(db.kysely, h().settings, { superuser: true }));
      await everyModel({ context: h().system.context, app, admin: client, now: FIXED_NOW, fakes });
      const site = await buildSite(db.kysely);
      assert.ok(site.resources.length >= 30, `only ${site.resources.length} resources`);

      const empty: string[] = [];
      for (const resource of site.resources) {
        const rows = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(resource.table)}`.execute(db.kysely);
        if (Number(rows.rows[0]!.n) === 0) empty.push(resourceKey(resource));
      }
      assert.deepEqual(empty, [], 'models without a row: give each one in test/e2e/every-model.ts');

      for (const resource of site.resources) {
        const base = resourceUrl(resource);
        const list = await client.get(base);
        assert.equal(list.statusCode, 200, `${base}: ${list.statusCode}`);
        const csv = await client.get(`${base}export.csv`);
        assert.equal(csv.statusCode, 200, `${base}export.csv`);
        assert.match(String(csv.headers['content-type']), /text\/csv/);
        if (allows(resource, 'add')) assert.equal((await client.get(`${base}add`)).statusCode, 200, `${base}add`);
        const [id] = listedIds(list.body);
        assert.ok(id, `${base} lists none of its rows`);
        assert.equal((await client.get(`${base}${id}/`)).statusCode, 200, `${base}${id}/`);
        if (allows(resource, 'change')) assert.equal((await client.get(`${base}${id}/change`)).statusCode, 200, `${base}${id}/change`);
        if (allows(resource, 'delete')) assert.ok([200, 409].includes((await client.get(`${base}${id}/delete`)).statusCode), `${base}${id}/delete`);
      }
    });
  },
  { settings: fakes.settings },
);
