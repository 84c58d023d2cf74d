import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { createStaff, staffLogin } from '../../test/e2e/admin-support.js';
import { setClock } from '../core/time/clock.js';
import { addEmployeeToCustomer } from '../nadooit_hr/services/contracts.js';
import { giveRole, makeCustomer, makeUser } from '../nadooit_hr/testing.js';
import { createProgram } from '../nadooit_program/services.js';
import { createCustomerProgram, createProgramShare } from '../nadooit_program_ownership_system/services.js';
import { openWorkTimeAccount } from '../nadooit_time_account/work-time/access.js';
import { processesOfCustomer } from '../nadooit_workflow/processes.js';
import { ownershipPaths, workflowPaths, workTimePaths } from './paths.js';
import { clientAs } from './testing/session.js';

const STAFF = { actorUserId: null, asStaff: true } as const;

after(() => setClock(null));

describeEachBackend('NADOOIT OS: processes, work time and program ownership pages', (h) => {
  const db = () => h().system.context.db.kysely;
  const client = async (userId: string) => clientAs(await h().app(), db(), h().settings, userId);

  async function customerWithProgram() {
    const customer = await makeCustomer(db(), `Kunde ${Math.random().toString(36).slice(2, 8)}`);
    const program = await createProgram(db(), { name: `Bot ${Math.random().toString(36).slice(2, 8)}`, description: 'liest Post' });
    const licence = await createCustomerProgram(db(), { ...STAFF, customerId: customer, programId: program.id });
    await createProgramShare(db(), program.id);
    return { customer, program, licence };
  }

  it('a program manager draws the process chain, adds processes through the form; others get 403', async () => {
    const { customer, program } = await customerWithProgram();
    const editor = await makeUser(db());
    await giveRole(db(), editor, customer, 'customer_program_manager', ['can_create_customer_program']);
    const c = await client(editor.id);
    const empty = await c.get(workflowPaths.overview);
    assert.equal(empty.statusCode, 200);
    assert.match(empty.body, /Noch keine Prozesse angelegt/);
    // The navigation leads there: processes and program ownership under the programs menu.
    assert.ok(empty.body.includes(`href="${workflowPaths.overview}"`) && empty.body.includes(`href="${ownershipPaths.customer}"`));
    const first = await c.post(workflowPaths.create(customer), { name: 'Posteingang', description: '', programIds: program.id });
    assert.equal(first.statusCode, 303);
    const [intake] = await processesOfCustomer(db(), { ...STAFF, customerId: customer });
    const second = await c.post(workflowPaths.create(customer), { name: 'Buchhaltung <b>', triggerProcessId: intake!.id });
    assert.equal(second.statusCode, 303);
    const page = await c.get(workflowPaths.overview);
    assert.match(page.body, /<svg class="process-chain"/);
    assert.equal(page.body.match(/class="process-edge"/g)?.length, 1);
    assert.ok(page.body.includes('Buchhaltung &lt;b>') && !page.body.includes('Buchhaltung <b>'));
    const detail = await c.get(String(second.headers.location));
    assert.equal(detail.statusCode, 200);
    assert.match(detail.body, /fill="#cfe2ff"/);
    const refused = await c.post(workflowPaths.create(customer), { name: '' });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Bitte geben Sie einen Namen ein/);

    const outsider = await makeUser(db());
    await giveRole(db(), outsider, await makeCustomer(db()), 'customer_program_manager', ['can_create_customer_program']);
    const o = await client(outsider.id);
    assert.equal((await o.get(workflowPaths.process(intake!.id))).statusCode, 403);
    assert.equal((await o.post(workflowPaths.create(customer), { name: 'x' })).statusCode, 403);
    assert.equal((await (await client((await makeUser(db())).id)).get(workflowPaths.overview)).statusCode, 403);
  });

  it('the employee clocks in and out on the page; the manager corrects with a reason and exports CSV', async () => {
    const customer = await makeCustomer(db());
    const employee = await makeUser(db(), { display_name: 'Erika Muster' });
    await addEmployeeToCustomer(db(), { ...STAFF, customerId: customer, userCode: employee.user_code });
    const manager = await makeUser(db());
    await giveRole(db(), manager, customer, 'employee_manager', []);
    const account = await openWorkTimeAccount(db(), { ...STAFF, customerId: customer, userId: employee.id, weeklyWorkSeconds: 40 * 3600 });
    const e = await client(employee.id);
    const overview = await e.get(workTimePaths.overview);
    assert.equal(overview.statusCode, 200);
    assert.ok(overview.body.includes(`href="${workTimePaths.overview}"`), 'the person menu links the work time');
    assert.ok(overview.body.includes(workTimePaths.account(account.id)));
    setClock(new Date('2025-06-18T06:00:00Z'));
    assert.equal((await e.post(workTimePaths.clockIn(account.id))).statusCode, 303);
    const clocked = await e.get(workTimePaths.account(account.id));
    assert.match(clocked.body, /Eingestempelt seit 08:00/);
    assert.equal((await e.post(workTimePaths.clockIn(account.id))).statusCode, 409);
    setClock(new Date('2025-06-18T14:30:00Z'));
    assert.equal((await e.post(workTimePaths.clockOut(account.id))).statusCode, 303);
    assert.match((await e.get(workTimePaths.account(account.id, { unit: 'day', date: '2025-06-18' }))).body, /8:30 h/);
    assert.equal((await e.post(workTimePaths.addEntry(account.id), { startedAt: '2025-06-17T08:00', endedAt: '2025-06-17T12:00', reason: 'selbst' })).statusCode, 403);

    const m = await client(manager.id);
    assert.ok((await m.get(workTimePaths.overview)).body.includes('Erika Muster'));
    const added = await m.post(workTimePaths.addEntry(account.id), { startedAt: '2025-06-17T08:00', endedAt: '2025-06-17T12:00', reason: 'Ausstempeln vergessen' });
    assert.equal(added.statusCode, 303);
    const noReason = await m.post(workTimePaths.addEntry(account.id), { startedAt: '2025-06-16T08:00', endedAt: '2025-06-16T12:00', reason: '' });
    assert.equal(noReason.statusCode, 400);
    const week = await m.get(workTimePaths.account(account.id, { unit: 'week', date: '2025-06-18' }));
    assert.match(week.body, /12:30 h/);
    assert.match(week.body, /Ausstempeln vergessen/);
    const csv = await m.get(workTimePaths.export(account.id, 'week', '2025-06-18'));
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.deepEqual(csv.body.trim().split('\r\n').slice(1).map((line) => line.split(',').slice(0, 5).join(',')), ['2025-06-17,08:00,12:00,240,ja', '2025-06-18,08:00,16:30,510,nein']);

    const outsider = await makeUser(db());
    await giveRole(db(), outsider, await makeCustomer(db()), 'employee_manager', []);
    const o = await client(outsider.id);
    assert.equal((await o.get(workTimePaths.account(account.id))).statusCode, 403);
    assert.equal((await o.get(workTimePaths.export(account.id, 'week', '2025-06-18'))).statusCode, 403);
  });

  it('program ownership: managers see their customer’s licences, staff need the admin permission', async () => {
    const mine = await customerWithProgram();
    const theirs = await customerWithProgram();
    const manager = await makeUser(db());
    await giveRole(db(), manager, mine.customer, 'customer_program_execution_manager', []);
    const page = await (await client(manager.id)).get(ownershipPaths.customer);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(mine.program.name));
    assert.ok(!page.body.includes(theirs.program.name));
    assert.match(page.body, /Anteil an/);
    assert.equal((await (await client(manager.id)).get(ownershipPaths.staff)).statusCode, 403);

    const app = await h().app();
    const withoutGrant = await staffLogin(app, await createStaff(db(), h().settings));
    assert.equal((await withoutGrant.get(ownershipPaths.staff)).statusCode, 403);
    const staff = await staffLogin(
      app,
      await createStaff(db(), h().settings, {
        grants: [
          ['nadooit_program.programs', 'view'],
          ['nadooit_program_ownership_system.customer_programs', 'view'],
        ],
      }),
    );
    const all = await staff.get(ownershipPaths.staff);
    assert.equal(all.statusCode, 200);
    assert.ok(all.body.includes(mine.program.name) && all.body.includes(theirs.program.name));
  });
});
