import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { createStaff, listedIds, staffLogin } from '../../test/e2e/admin-support.js';
import { addEmployeeToCustomer } from '../nadooit_hr/services/contracts.js';
import { makeCustomer, makeUser } from '../nadooit_hr/testing.js';
import { createCustomerTimeAccount } from '../nadooit_time_account/services.js';
import { rejectTopUpRequest, requestTopUp } from '../nadooit_time_account/top-up-requests.js';
import { openWorkTimeAccount } from '../nadooit_time_account/work-time/access.js';
import { addEntry, entriesBetween } from '../nadooit_time_account/work-time/entries.js';
import { workTimeReport } from '../nadooit_time_account/work-time/report.js';
import { createProcess, getProcess } from './processes.js';

const STAFF = { actorUserId: null, asStaff: true } as const;

describeEachBackend('workflow and work-time admin', (h) => {
  const db = () => h().system.context.db.kysely;

  it('staff add and edit processes (links kept), see the chain, the transitions, work-time entries and corrections', async () => {
    const client = await staffLogin(await h().app(), await createStaff(db(), h().settings, { superuser: true }));
    const customerId = await makeCustomer(db());
    const first = await createProcess(db(), { ...STAFF, customerId, name: 'Eingang' });
    const created = await client.post('/admin/nadooit_workflow/processes/add', { customer_id: customerId, name: 'Prüfung <i>', description: 'vier Augen', trigger_process_id: first.id, _continue: '1' });
    assert.equal(created.statusCode, 303, created.body.slice(0, 500));
    const id = /processes\/([0-9a-f-]{36})\/change/.exec(String(created.headers.location))![1]!;
    await createProcess(db(), { ...STAFF, customerId, name: 'Ablage', triggerProcessId: id });
    const detail = await client.get(`/admin/nadooit_workflow/processes/${id}/`);
    assert.equal(detail.statusCode, 200);
    assert.match(detail.body, /<svg class="process-chain"/);
    assert.equal(detail.body.match(/class="process-edge"/g)?.length, 2);
    assert.ok(detail.body.includes('Prüfung &lt;i>'));
    const changed = await client.post(`/admin/nadooit_workflow/processes/${id}/change`, { name: 'Prüfung', description: '', trigger_process_id: first.id });
    assert.equal(changed.statusCode, 303, changed.body.slice(0, 500));
    assert.deepEqual([(await getProcess(db(), { ...STAFF, id })).name, (await getProcess(db(), { ...STAFF, id })).trigger_process_id], ['Prüfung', first.id]);

    const account = await createCustomerTimeAccount(db(), { ...STAFF, customerId, name: 'Konto' });
    const request = await requestTopUp(db(), { ...STAFF, customerTimeAccountId: account.customerTimeAccountId, seconds: 60 });
    await rejectTopUpRequest(db(), { ...STAFF, requestId: request.id, reason: 'doppelt' });
    const transitions = await client.get(`/admin/nadooit_workflow/transitions/?q=${request.id}`);
    assert.equal(transitions.statusCode, 200);
    assert.equal(listedIds(transitions.body).length, 2, 'created and rejected');
    assert.equal((await client.get('/admin/nadooit_workflow/transitions/add')).statusCode, 403);

    const person = await makeUser(db());
    await addEmployeeToCustomer(db(), { ...STAFF, customerId, userCode: person.user_code });
    const workTime = await openWorkTimeAccount(db(), { ...STAFF, customerId, userId: person.id });
    const weekly = await client.post(`/admin/nadooit_time_account/employee_time_accounts/${workTime.id}/change`, {
      time_account_id: workTime.timeAccountId,
      employee_id: workTime.employeeId,
      customer_id: customerId,
      weekly_work_seconds: String(40 * 3600),
    });
    assert.equal(weekly.statusCode, 303, weekly.body.slice(0, 500));
    const week = await workTimeReport(db(), { ...STAFF, employeeTimeAccountId: workTime.id, unit: 'week', date: '2025-01-06' });
    assert.equal(week.targetSeconds, 40 * 3600, 'the weekly hours set in the admin are the target of the report');
    const tooMuch = await client.post(`/admin/nadooit_time_account/employee_time_accounts/${workTime.id}/change`, {
      time_account_id: workTime.timeAccountId,
      employee_id: workTime.employeeId,
      customer_id: customerId,
      weekly_work_seconds: String(101 * 3600),
    });
    assert.notEqual(tooMuch.statusCode, 303, 'more than 100 hours a week is refused with a field error');
    const entry = await addEntry(db(), { ...STAFF, employeeTimeAccountId: workTime.id, startedAt: '2025-01-06T08:00:00Z', endedAt: '2025-01-06T12:00:00Z', reason: 'nachgetragen' });
    assert.equal((await client.get(`/admin/nadooit_time_account/work_time_clock_entries/${entry.id}/`)).statusCode, 200);
    const noReason = await client.post('/admin/nadooit_time_account/work_time_clock_entries/action', { action: 'delete_with_reason', ids: entry.id, confirm: '1', reason: '' });
    assert.notEqual(noReason.statusCode, 303);
    const deleted = await client.post('/admin/nadooit_time_account/work_time_clock_entries/action', { action: 'delete_with_reason', ids: entry.id, confirm: '1', reason: 'Fehlbuchung' });
    assert.equal(deleted.statusCode, 303, deleted.body.slice(0, 500));
    assert.deepEqual(await entriesBetween(db(), workTime.id, '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z'), []);
    const corrections = await client.get(`/admin/nadooit_time_account/work_time_corrections/?employee_time_account_id=${workTime.id}`);
    assert.equal(listedIds(corrections.body).length, 2, 'added and deleted, both with their reason');
    assert.match(corrections.body, /Fehlbuchung/);
  });
});
