import assert from 'node:assert/strict';
import { it } from 'node:test';
import { buildSite } from '../../app/nadooit_admin/resources.js';
import { allows, resourceUrl } from '../../app/core/admin/site.js';
import { bookingWorld, legacyForm } from '../../app/nadooit_api_executions_system/testing/fixtures.js';
import { fileComplaint } from '../../app/nadoo_complaint_management/services.js';
import { describeEachBackend } from '../support/harness.js';
import { createStaff, listedIds, staffLogin } from './admin-support.js';

describeEachBackend('admin: every model is reachable', (h) => {
  it('answers list, CSV export, add, detail, change and delete confirmation of every resource for a superuser', async () => {
    const { db } = h().system.context;
    const app = await h().app();
    const world = await bookingWorld(db.kysely, { balanceSeconds: 3600 });
    const booked = await app.inject({ method: 'POST', url: '/api/executions', payload: legacyForm(world), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(booked.statusCode, 200);
    const execution = await db.kysely.selectFrom('ex_executions').select('id').executeTakeFirstOrThrow();
    await fileComplaint(db.kysely, { actorUserId: null, asStaff: true, executionId: execution.id, text: 'Lief doppelt' }).catch(() => undefined);
    const staff = await createStaff(db.kysely, h().settings, { superuser: true });
    const client = await staffLogin(app, staff);
    const site = await buildSite(db.kysely);
    assert.ok(site.resources.length >= 30, `only ${site.resources.length} resources`);
    for (const resource of site.resources) {
      const base = resourceUrl(resource);
      const list = await client.get(base);
      assert.equal(list.statusCode, 200, `${base}: ${list.statusCode}`);
      const csv = await client.get(`${base}export.csv`);
      assert.equal(csv.statusCode, 200, `${base}export.csv`);
      assert.match(String(csv.headers['content-type']), /text\/csv/);
      if (allows(resource, 'add')) assert.equal((await client.get(`${base}add`)).statusCode, 200, `${base}add`);
      const [id] = listedIds(list.body);
      if (!id) continue;
      assert.equal((await client.get(`${base}${id}/`)).statusCode, 200, `${base}${id}/`);
      if (allows(resource, 'change')) assert.equal((await client.get(`${base}${id}/change`)).statusCode, 200, `${base}${id}/change`);
      if (allows(resource, 'delete')) assert.ok([200, 409].includes((await client.get(`${base}${id}/delete`)).statusCode), `${base}${id}/delete`);
    }
  });
});
