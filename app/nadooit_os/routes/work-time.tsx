import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { DomainError, InvalidInput } from '../../core/errors.js';
import { formString } from '../../core/ui/forms.js';
import { requireUser } from '../../nadooit_auth/guards.js';
import {
  PERIOD_UNITS,
  addEntry,
  assertWorkTimeAccess,
  changeEntry,
  clockIn,
  clockOut,
  correctionsOf,
  deleteEntry,
  localToInstant,
  mayAccessWorkTime,
  setWeeklyWorkSeconds,
  visibleWorkTimeAccounts,
  workTimeCsv,
  workTimeReport,
} from '../../nadooit_time_account/work-time/index.js';
import type { PeriodUnit } from '../../nadooit_time_account/work-time/index.js';
import { workTimePaths } from '../paths.js';
import { WorkTimeAccountPage, WorkTimeOverviewPage } from '../views/work-time.js';
import { dashboardPage, queryString, uuidParam } from './context.js';

function unitOf(request: FastifyRequest): PeriodUnit {
  const unit = queryString(request, 'unit');
  return (PERIOD_UNITS as readonly string[]).includes(unit ?? '') ? (unit as PeriodUnit) : 'week';
}

/** "Arbeitszeit": clock in/out for the employee, worked time and corrections for their employee managers (rule: work-time/access.ts). */
export function workTimeRoutes(scope: FastifyInstance, app: AppContext): void {
  const db = app.db.kysely;
  const actor = (request: FastifyRequest) => ({ actorUserId: requireUser(request).id });

  scope.get('/work-time/', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    const { own, managed } = await visibleWorkTimeAccounts(db, actor(request));
    return reply.html(<WorkTimeOverviewPage ctx={ctx} viewer={viewer} own={own} managed={managed} />);
  });

  async function accountPage(request: FastifyRequest, reply: FastifyReply, error?: { message: string; status: number }): Promise<FastifyReply> {
    const { ctx, viewer } = await dashboardPage(request, app);
    const accountId = uuidParam(request, 'accountId');
    const report = await workTimeReport(db, { ...actor(request), employeeTimeAccountId: accountId, unit: unitOf(request), date: queryString(request, 'date') });
    const [mayClock, mayCorrect, corrections] = await Promise.all([
      mayAccessWorkTime(db, actor(request), report.account, 'clock'),
      mayAccessWorkTime(db, actor(request), report.account, 'correct'),
      correctionsOf(db, { ...actor(request), employeeTimeAccountId: accountId, limit: 50 }),
    ]);
    const page = <WorkTimeAccountPage ctx={ctx} viewer={viewer} report={report} mayClock={mayClock} mayCorrect={mayCorrect} corrections={corrections} error={error?.message} />;
    return reply.html(page, error?.status ?? 200);
  }

  scope.get('/work-time/:accountId', (request, reply) => accountPage(request, reply));

  scope.get('/work-time/:accountId/export.csv', async (request, reply) => {
    const report = await workTimeReport(db, { ...actor(request), employeeTimeAccountId: uuidParam(request, 'accountId'), unit: unitOf(request), date: queryString(request, 'date') });
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="arbeitszeit-${report.date}.csv"`)
      .send(workTimeCsv(report));
  });

  /** Runs a write and goes back to the account; a refusal a person can act on is shown on the account page. */
  async function write(request: FastifyRequest, reply: FastifyReply, action: (accountId: string) => Promise<unknown>): Promise<FastifyReply> {
    const accountId = uuidParam(request, 'accountId');
    try {
      await action(accountId);
      return reply.redirect(workTimePaths.account(accountId), 303);
    } catch (error) {
      if (!(error instanceof DomainError) || error.statusCode >= 500 || error.statusCode === 404) throw error;
      return accountPage(request, reply, { message: error.message, status: error.statusCode === 403 ? 403 : error.statusCode });
    }
  }

  /** A datetime-local field in the account's zone, as an instant. */
  async function stretchOf(request: FastifyRequest, accountId: string) {
    const account = await assertWorkTimeAccess(db, actor(request), accountId, 'correct');
    const instant = (field: string) => {
      const ms = localToInstant(formString(request.body, field), account.timeZone);
      if (ms === null) throw new InvalidInput(request.t('worktime.invalid_time'), { field });
      return new Date(ms);
    };
    return { startedAt: instant('startedAt'), endedAt: instant('endedAt'), reason: formString(request.body, 'reason') };
  }

  scope.post('/work-time/:accountId/clock-in', (request, reply) => write(request, reply, (id) => clockIn(db, { ...actor(request), employeeTimeAccountId: id })));
  scope.post('/work-time/:accountId/clock-out', (request, reply) => write(request, reply, (id) => clockOut(db, { ...actor(request), employeeTimeAccountId: id })));
  scope.post('/work-time/:accountId/entries', (request, reply) =>
    write(request, reply, async (id) => addEntry(db, { ...actor(request), employeeTimeAccountId: id, ...(await stretchOf(request, id)) })),
  );
  scope.post('/work-time/:accountId/entries/:entryId', (request, reply) =>
    write(request, reply, async (id) => changeEntry(db, { ...actor(request), entryId: uuidParam(request, 'entryId'), ...(await stretchOf(request, id)) })),
  );
  scope.post('/work-time/:accountId/entries/:entryId/delete', (request, reply) =>
    write(request, reply, () => deleteEntry(db, { ...actor(request), entryId: uuidParam(request, 'entryId'), reason: formString(request.body, 'reason') })),
  );
  scope.post('/work-time/:accountId/weekly-hours', (request, reply) =>
    write(request, reply, (id) => {
      const text = formString(request.body, 'hours').trim().replace(',', '.');
      const hours = text === '' ? null : /^\d{1,3}(\.\d{1,2})?$/.test(text) ? Number(text) : NaN;
      return setWeeklyWorkSeconds(db, { ...actor(request), employeeTimeAccountId: id, weeklyWorkSeconds: hours === null ? null : Math.round(hours * 3600) });
    }),
  );
}
