import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { bookExecution, executionById } from '../../app/nadooit_api_executions_system/services/index.js';
import { bookingWorld } from '../../app/nadooit_api_executions_system/testing/fixtures.js';
import { writeAudit } from '../../app/nadooit_admin/backend.js';
import { describeEachBackend } from '../support/harness.js';
import { auditOf, createStaff, staffLogin } from './admin-support.js';

const NOTICE = /data-admin-readonly/;
const FORM = /<form[^>]+id="admin-form"/;

describeEachBackend('admin: read-only records say so', (h) => {
  const db = () => h().system.context.db.kysely;

  it('a booking (changed only through its actions) opens read-only with the actions named, no save button; a POST changes nothing (405)', async () => {
    const client = await staffLogin(await h().app(), await createStaff(db(), h().settings, { superuser: true }));
    const world = await bookingWorld(db(), { balanceSeconds: 1000 });
    const { execution } = await bookExecution(db(), { customerProgramId: world.customerProgramId, timeSavedSeconds: 60, maxTimeSavedSeconds: 86_400, userId: null });
    const base = `/admin/nadooit_api_executions_system/executions/${execution.id}/`;
    const status = execution.payment_status;

    const detail = await client.get(base);
    assert.equal(detail.statusCode, 200);
    assert.match(detail.body, NOTICE);
    assert.doesNotMatch(detail.body, /\/change"/, 'no edit button');

    const edit = await client.get(`${base}change`);
    assert.equal(edit.statusCode, 200);
    assert.match(edit.body, NOTICE);
    assert.match(edit.body, /Nur lesbar: Ausführungen ändert sich nur über die Aktionen: Zahlungsstatus setzen, Erstatten, Löschen mit Erstattung\./);
    assert.doesNotMatch(edit.body, FORM);
    assert.doesNotMatch(edit.body, /name="_save"|>Sichern</);

    const post = await client.post(`${base}change`, { payment_status: status === 'PAID' ? 'REVOKED' : 'PAID' });
    assert.equal(post.statusCode, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    assert.match(post.body, NOTICE);
    assert.equal((await executionById(db(), execution.id))!.payment_status, status);
    assert.equal((await auditOf(db(), 'nadooit_api_executions_system.executions', execution.id)).length, 0);
  });

  it('a model without actions (the audit log) says it is not edited in the admin, in English too', async () => {
    const client = await staffLogin(await h().app(), await createStaff(db(), h().settings, { superuser: true }));
    const staff = await createStaff(db(), h().settings);
    const actor = { id: staff.id, userCode: staff.username, displayName: staff.username } as Parameters<typeof writeAudit>[1]['actor'];
    const objectId = randomUUID();
    await writeAudit(db(), { actor, ip: null, resource: 'nadooit_crm.customers', objectId, objectLabel: 'Kunde', action: 'update', before: { name: 'A' }, after: { name: 'B' } });
    const [entry] = await auditOf(db(), 'nadooit_crm.customers', objectId);
    const url = `/admin/nadooit_admin/audit_log/${entry.id}/change`;
    const de = await client.get(url);
    assert.equal(de.statusCode, 200);
    assert.match(de.body, /Nur lesbar: Änderungsprotokoll wird im Admin nicht bearbeitet\./);
    assert.doesNotMatch(de.body, FORM);
    await client.get('/language?set=en&next=/admin/');
    assert.match((await client.get(url)).body, /Read-only: Audit log is not edited in the admin\./);
  });

  it('a staff member with view only gets the record read-only with the reason (still 403, no form)', async () => {
    const viewer = await createStaff(db(), h().settings, { grants: [['nadooit_auth.users', 'view']] });
    const client = await staffLogin(await h().app(), viewer);
    const edit = await client.get(`/admin/nadooit_auth/users/${viewer.id}/change`);
    assert.equal(edit.statusCode, 403);
    assert.match(edit.body, NOTICE);
    assert.match(edit.body, /Sie dürfen diesen Eintrag ansehen, aber nicht ändern/);
    assert.doesNotMatch(edit.body, FORM);
    assert.doesNotMatch(edit.body, /name="display_name"/);
  });
});
