import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { setClock } from '../../core/time/clock.js';
import { updateCustomer } from '../../nadooit_crm/services.js';
import { giveRole, makeCustomer, makeUser } from '../../nadooit_hr/testing.js';
import { addEmployeeToCustomer } from '../../nadooit_hr/services/contracts.js';
import { dailyTargetSeconds, periodDays } from './calendar.js';
import { addEntry, changeEntry, clockIn, clockOut, correctionsOf, deleteEntry } from './entries.js';
import { openWorkTimeAccount, setWeeklyWorkSeconds, visibleWorkTimeAccounts } from './access.js';
import { workTimeCsv, workTimeReport } from './report.js';

const BERLIN = 'Europe/Berlin';
const H = 3600;
const STAFF = { actorUserId: null, asStaff: true } as const;
const refused = (status: number, text?: string) => (e: Error & { statusCode?: number }) => e.statusCode === status && (!text || e.message.includes(text));

after(() => setClock(null));

it('Berlin days: 23 hours on the last Sunday of March, 25 on the last Sunday of October, weeks from Monday', () => {
  const hours = (date: string) => {
    const [d] = periodDays('day', date, BERLIN);
    return (d!.end - d!.start) / 3_600_000;
  };
  assert.deepEqual([hours('2025-03-30'), hours('2025-10-26'), hours('2025-06-18')], [23, 25, 24]);
  const week = periodDays('week', '2025-10-26', BERLIN);
  assert.deepEqual([week[0]!.date, week[6]!.date], ['2025-10-20', '2025-10-26']);
  assert.equal(periodDays('month', '2024-02-10', BERLIN).length, 29);
  assert.deepEqual(['2025-06-16', '2025-06-20', '2025-06-21'].map((d) => dailyTargetSeconds(38.5 * H, d)), [27_720, 27_720, 0]);
  assert.equal(dailyTargetSeconds(null, '2025-06-16'), 0);
});

describeEachBackend('employee work time: clock in/out, corrections, worked time and overtime', (h) => {
  const db = () => h().system.context.db.kysely;
  const at = (iso: string) => setClock(new Date(iso));

  /** A customer in Berlin, an employee with a 40-hour week, their employee manager and an outsider. */
  async function scene() {
    const customer = await makeCustomer(db());
    await updateCustomer(db(), customer, { timeZone: BERLIN });
    const employee = await makeUser(db(), { display_name: 'Emil Ernst' });
    await addEmployeeToCustomer(db(), { ...STAFF, customerId: customer, userCode: employee.user_code });
    const manager = await makeUser(db());
    await giveRole(db(), manager, customer, 'employee_manager', ['can_add_new_employee']);
    const outsider = await makeUser(db());
    await giveRole(db(), outsider, await makeCustomer(db()), 'employee_manager', ['can_add_new_employee']);
    const account = await openWorkTimeAccount(db(), { actorUserId: manager.id, customerId: customer, userId: employee.id, weeklyWorkSeconds: 40 * H });
    const me = { actorUserId: employee.id };
    return { customer, employee, manager, outsider, account, me };
  }

  it('clock-ins and -outs pair: no second clock-in, no clock-out without one; only the employee clocks', async () => {
    const { account, me, manager } = await scene();
    at('2025-06-16T07:00:00Z');
    await assert.rejects(clockOut(db(), { ...me, employeeTimeAccountId: account.id }), refused(409, 'nicht eingestempelt'));
    await clockIn(db(), { ...me, employeeTimeAccountId: account.id });
    at('2025-06-16T07:30:00Z');
    await assert.rejects(clockIn(db(), { ...me, employeeTimeAccountId: account.id }), refused(409, 'bereits eingestempelt'));
    await assert.rejects(clockIn(db(), { actorUserId: manager.id, employeeTimeAccountId: account.id }), refused(403));
    await assert.rejects(clockOut(db(), { ...STAFF, employeeTimeAccountId: account.id }), refused(403));
    at('2025-06-16T15:00:00Z');
    const closed = await clockOut(db(), { ...me, employeeTimeAccountId: account.id });
    assert.deepEqual([closed.started_at, closed.ended_at], ['2025-06-16T07:00:00.000Z', '2025-06-16T15:00:00.000Z']);
    const report = await workTimeReport(db(), { ...me, employeeTimeAccountId: account.id, unit: 'day', date: '2025-06-16' });
    assert.deepEqual([report.workedSeconds, report.targetSeconds, report.overtimeSeconds, report.clockedInSince], [8 * H, 8 * H, 0, null]);
  });

  it('a night shift across midnight counts on both days; an open entry counts up to now', async () => {
    const { account, me } = await scene();
    at('2025-06-17T20:00:00Z'); // 22:00 in Berlin (summer time)
    await clockIn(db(), { ...me, employeeTimeAccountId: account.id });
    at('2025-06-18T04:00:00Z'); // 06:00
    await clockOut(db(), { ...me, employeeTimeAccountId: account.id });
    const week = await workTimeReport(db(), { ...me, employeeTimeAccountId: account.id, unit: 'week', date: '2025-06-18' });
    const byDay = Object.fromEntries(week.days.map((d) => [d.date, d.workedSeconds]));
    assert.deepEqual([byDay['2025-06-17'], byDay['2025-06-18']], [2 * H, 6 * H]);
    assert.deepEqual([week.workedSeconds, week.targetSeconds, week.overtimeSeconds], [8 * H, 40 * H, -32 * H]);
    at('2025-06-18T08:00:00Z');
    await clockIn(db(), { ...me, employeeTimeAccountId: account.id });
    at('2025-06-18T09:30:00Z');
    const day = await workTimeReport(db(), { ...me, employeeTimeAccountId: account.id, unit: 'day' });
    assert.equal(day.date, '2025-06-18', 'today in the customer’s zone');
    assert.deepEqual([day.workedSeconds, day.clockedInSince], [6 * H + 1.5 * H, '2025-06-18T08:00:00.000Z']);
  });

  it('across the DST changes: 22:00–06:00 is 7 h in March and 9 h in October, split at local midnight', async () => {
    const { account, me, manager } = await scene();
    const fix = { actorUserId: manager.id, employeeTimeAccountId: account.id, reason: 'Nachtschicht nachgetragen' };
    at('2025-11-01T12:00:00Z');
    await addEntry(db(), { ...fix, startedAt: '2025-03-29T21:00:00Z', endedAt: '2025-03-30T04:00:00Z' }); // Sat 22:00 CET → Sun 06:00 CEST
    await addEntry(db(), { ...fix, startedAt: '2025-10-25T20:00:00Z', endedAt: '2025-10-26T05:00:00Z' }); // Sat 22:00 CEST → Sun 06:00 CET
    const march = await workTimeReport(db(), { ...me, employeeTimeAccountId: account.id, unit: 'week', date: '2025-03-30' });
    const october = await workTimeReport(db(), { ...me, employeeTimeAccountId: account.id, unit: 'week', date: '2025-10-26' });
    const day = (r: typeof march, date: string) => r.days.find((d) => d.date === date)!.workedSeconds;
    assert.deepEqual([day(march, '2025-03-29'), day(march, '2025-03-30'), march.workedSeconds], [2 * H, 5 * H, 7 * H]);
    assert.deepEqual([day(october, '2025-10-25'), day(october, '2025-10-26'), october.workedSeconds], [2 * H, 7 * H, 9 * H]);
    const month = await workTimeReport(db(), { ...me, employeeTimeAccountId: account.id, unit: 'month', date: '2025-10-01' });
    assert.deepEqual([month.workedSeconds, month.targetSeconds], [9 * H, 23 * 8 * H], 'October 2025 has 23 weekdays');
    const csv = workTimeCsv(october).split('\r\n');
    assert.equal(csv[1], '2025-10-25,22:00,06:00,540,ja,2025-10-25T20:00:00.000Z,2025-10-26T05:00:00.000Z');
  });

  it('corrections need the customer’s employee manager and a reason; each is audited with before and after', async () => {
    const { account, me, manager, outsider } = await scene();
    at('2025-06-16T07:00:00Z');
    const entry = await clockIn(db(), { ...me, employeeTimeAccountId: account.id });
    at('2025-06-17T09:00:00Z'); // forgot to clock out: 26 hours
    await assert.rejects(clockOut(db(), { ...me, employeeTimeAccountId: account.id }), refused(409, '24 Stunden'));
    const fix = { entryId: entry.id, startedAt: '2025-06-16T07:00:00Z', endedAt: '2025-06-16T15:30:00Z' };
    await assert.rejects(changeEntry(db(), { ...me, ...fix, reason: 'selbst' }), refused(403));
    await assert.rejects(changeEntry(db(), { actorUserId: outsider.id, ...fix, reason: 'fremd' }), refused(403));
    await assert.rejects(changeEntry(db(), { actorUserId: manager.id, ...fix, reason: '  ' }), refused(400));
    await changeEntry(db(), { actorUserId: manager.id, ...fix, reason: 'Ausstempeln vergessen' });
    const fix2 = { actorUserId: manager.id, employeeTimeAccountId: account.id, reason: 'Termin beim Kunden' };
    await assert.rejects(addEntry(db(), { ...fix2, startedAt: '2025-06-16T15:00:00Z', endedAt: '2025-06-16T16:00:00Z' }), refused(409, 'überschneidet'));
    await assert.rejects(addEntry(db(), { ...fix2, startedAt: '2025-06-17T10:00:00Z', endedAt: '2025-06-17T11:00:00Z' }), refused(400, 'Zukunft'));
    const extra = await addEntry(db(), { ...fix2, startedAt: '2025-06-16T16:00:00Z', endedAt: '2025-06-16T17:00:00Z' });
    await deleteEntry(db(), { actorUserId: manager.id, entryId: extra.id, reason: 'doppelt erfasst' });
    const audit = await correctionsOf(db(), { ...me, employeeTimeAccountId: account.id });
    assert.deepEqual(
      audit.map((c) => [c.action, c.before_ended_at, c.after_ended_at, c.reason]).reverse(),
      [
        ['change', null, '2025-06-16T15:30:00.000Z', 'Ausstempeln vergessen'],
        ['add', null, '2025-06-16T17:00:00.000Z', 'Termin beim Kunden'],
        ['delete', '2025-06-16T17:00:00.000Z', null, 'doppelt erfasst'],
      ],
    );
    const day = await workTimeReport(db(), { ...me, employeeTimeAccountId: account.id, unit: 'day', date: '2025-06-16' });
    assert.deepEqual([day.workedSeconds, day.overtimeSeconds, day.entries[0]!.corrected], [8.5 * H, 0.5 * H, true]);
    await clockIn(db(), { ...me, employeeTimeAccountId: account.id });
  });

  it('who sees which accounts; weekly hours set by the manager; outsiders see nothing', async () => {
    const { account, me, manager, outsider } = await scene();
    assert.deepEqual((await visibleWorkTimeAccounts(db(), me)).own.map((a) => a.id), [account.id]);
    assert.ok((await visibleWorkTimeAccounts(db(), { actorUserId: manager.id })).managed.some((a) => a.id === account.id));
    assert.ok(!(await visibleWorkTimeAccounts(db(), { actorUserId: outsider.id })).managed.some((a) => a.id === account.id));
    await assert.rejects(workTimeReport(db(), { actorUserId: outsider.id, employeeTimeAccountId: account.id, unit: 'week' }), refused(403));
    await assert.rejects(setWeeklyWorkSeconds(db(), { ...me, employeeTimeAccountId: account.id, weeklyWorkSeconds: 1 }), refused(403));
    await assert.rejects(setWeeklyWorkSeconds(db(), { actorUserId: manager.id, employeeTimeAccountId: account.id, weeklyWorkSeconds: 101 * H }), refused(400));
    const updated = await setWeeklyWorkSeconds(db(), { actorUserId: manager.id, employeeTimeAccountId: account.id, weeklyWorkSeconds: 20 * H });
    assert.equal(updated.weeklyWorkSeconds, 20 * H);
    await assert.rejects(openWorkTimeAccount(db(), { actorUserId: outsider.id, customerId: account.customerId, userId: outsider.id }), refused(403));
    await assert.rejects(openWorkTimeAccount(db(), { actorUserId: manager.id, customerId: account.customerId, userId: outsider.id }), refused(400));
  });
});
