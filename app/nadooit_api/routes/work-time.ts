import type { AppContext } from '../../core/app-module.js';
import { NotFound, PermissionDenied } from '../../core/errors.js';
import { workTimeEntriesResource } from '../../nadooit_time_account/work-time/admin.js';
import {
  accountOfEntry,
  addEntry,
  changeEntry,
  clockIn,
  clockOut,
  deleteEntry,
  setWeeklyWorkSeconds,
  visibleWorkTimeAccounts,
  workTimeAccount,
  workTimeReport,
} from '../../nadooit_time_account/work-time/index.js';
import type { WorkTimeAccount as Account, WorkTimeEntry as Entry } from '../../nadooit_time_account/work-time/index.js';
import { actorOf, principalOf } from '../auth.js';
import { IdParams, conflictErrors, items } from '../schemas.js';
import { WeeklyHours, WorkTimeAccount, WorkTimeEntry, WorkTimeReason, WorkTimeReport, WorkTimeReportQuery, WorkTimeStretch } from '../schemas-workspace.js';
import { staffMay } from '../scope.js';
import type { Api } from '../types.js';

const accountOut = (a: Account) => ({
  id: a.id,
  customer_id: a.customerId,
  customer_name: a.customerName,
  employee_user_id: a.employeeUserId,
  employee_name: a.employeeName,
  weekly_work_seconds: a.weeklyWorkSeconds,
  time_zone: a.timeZone,
});
const entryOut = (e: Entry) => ({ id: e.id, employee_time_account_id: e.employee_time_account_id, started_at: e.started_at, ended_at: e.ended_at, corrected: e.corrected });

/**
 * Employee work time: the employee clocks in and out; the customer's employee managers read and correct
 * (with a reason); staff with the admin's permission on work-time entries read and correct too. One rule:
 * nadooit_time_account/work-time/access.ts.
 */
export function workTimeApiRoutes(api: Api, { db }: AppContext): void {
  const k = db.kysely;
  const actor = (request: Parameters<typeof principalOf>[0], permission: 'view' | 'delete') =>
    actorOf(request, staffMay(principalOf(request), [workTimeEntriesResource], permission));
  /** A key bound to one customer reaches only that customer's accounts. */
  const account = async (request: Parameters<typeof principalOf>[0], id: string) => {
    const found = await workTimeAccount(k, { ...actor(request, 'view'), employeeTimeAccountId: id });
    const bound = principalOf(request).keyCustomerId;
    if (bound && bound !== found.customerId) throw new PermissionDenied();
    return found;
  };
  const entryAccount = async (request: Parameters<typeof principalOf>[0], entryId: string) => {
    const accountId = await accountOfEntry(k, entryId);
    if (!accountId) throw new NotFound('Eintrag nicht gefunden');
    await account(request, accountId);
  };
  const tags = ['work time'];

  api.get(
    '/work-time/accounts',
    { schema: { tags, summary: "The caller's own work-time accounts and those of customers where they are employee manager", response: { 200: items(WorkTimeAccount), ...conflictErrors } } },
    async (request) => {
      const { own, managed } = await visibleWorkTimeAccounts(k, actorOf(request, false));
      const bound = principalOf(request).keyCustomerId;
      const all = [...new Map([...own, ...managed].map((a) => [a.id, a])).values()].filter((a) => !bound || a.customerId === bound);
      return { items: all.map(accountOut) };
    },
  );

  api.get(
    '/work-time/accounts/:id/report',
    { schema: { tags, summary: 'Worked time per local day of the day/week/month containing `date` (default today), target and overtime', params: IdParams, querystring: WorkTimeReportQuery, response: { 200: WorkTimeReport, ...conflictErrors } } },
    async (request) => {
      await account(request, request.params.id);
      const r = await workTimeReport(k, { ...actor(request, 'view'), employeeTimeAccountId: request.params.id, unit: request.query.unit, date: request.query.date });
      return {
        account: accountOut(r.account),
        unit: r.unit,
        date: r.date,
        from: r.from,
        to: r.to,
        worked_seconds: r.workedSeconds,
        target_seconds: r.targetSeconds,
        overtime_seconds: r.overtimeSeconds,
        clocked_in_since: r.clockedInSince,
        days: r.days.map((d) => ({ date: d.date, worked_seconds: d.workedSeconds, target_seconds: d.targetSeconds })),
        entries: r.entries.map(entryOut),
      };
    },
  );

  for (const [path, action, summary] of [
    ['clock-in', clockIn, 'Clock in now (the employee only; 409 when already clocked in)'],
    ['clock-out', clockOut, 'Clock out now (the employee only; 409 when not clocked in or after more than 24 hours)'],
  ] as const) {
    api.post(`/work-time/accounts/:id/${path}`, { schema: { tags, summary, params: IdParams, response: { 200: WorkTimeEntry, ...conflictErrors } } }, async (request) => {
      await account(request, request.params.id);
      return entryOut(await action(k, { ...actorOf(request, false), employeeTimeAccountId: request.params.id }));
    });
  }

  api.post(
    '/work-time/accounts/:id/entries',
    { schema: { tags, summary: 'Correction: add a stretch of work with a reason (employee managers, staff)', params: IdParams, body: WorkTimeStretch, response: { 201: WorkTimeEntry, ...conflictErrors } } },
    async (request, reply) => {
      await account(request, request.params.id);
      const b = request.body;
      const entry = await addEntry(k, { ...actor(request, 'delete'), employeeTimeAccountId: request.params.id, startedAt: b.started_at, endedAt: b.ended_at, reason: b.reason });
      return reply.code(201).send(entryOut(entry));
    },
  );

  api.put(
    '/work-time/entries/:id',
    { schema: { tags, summary: 'Correction: change start and end of an entry, with a reason', params: IdParams, body: WorkTimeStretch, response: { 200: WorkTimeEntry, ...conflictErrors } } },
    async (request) => {
      await entryAccount(request, request.params.id);
      const b = request.body;
      return entryOut(await changeEntry(k, { ...actor(request, 'delete'), entryId: request.params.id, startedAt: b.started_at, endedAt: b.ended_at, reason: b.reason }));
    },
  );

  api.post(
    '/work-time/entries/:id/delete',
    { schema: { tags, summary: 'Correction: delete an entry with a reason (kept in the corrections)', params: IdParams, body: WorkTimeReason, response: { 200: WorkTimeReason, ...conflictErrors } } },
    async (request) => {
      await entryAccount(request, request.params.id);
      await deleteEntry(k, { ...actor(request, 'delete'), entryId: request.params.id, reason: request.body.reason });
      return { reason: request.body.reason };
    },
  );

  api.put(
    '/work-time/accounts/:id/weekly-hours',
    { schema: { tags, summary: "Set the contract's weekly working time in seconds (null: none)", params: IdParams, body: WeeklyHours, response: { 200: WorkTimeAccount, ...conflictErrors } } },
    async (request) => {
      await account(request, request.params.id);
      return accountOut(await setWeeklyWorkSeconds(k, { ...actor(request, 'delete'), employeeTimeAccountId: request.params.id, weeklyWorkSeconds: request.body.weekly_work_seconds }));
    },
  );
}
