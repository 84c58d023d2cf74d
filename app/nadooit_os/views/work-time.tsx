import type { Children } from '@kitajs/html';
import { CsrfField } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import { PERIOD_UNITS, formatHours, instantToLocal, localDate, localTime } from '../../nadooit_time_account/work-time/calendar.js';
import type { WorkTimeAccount, WorkTimeCorrection, WorkTimeReport } from '../../nadooit_time_account/work-time/index.js';
import type { Viewer } from '../access.js';
import { workTimePaths } from '../paths.js';
import { Banner, Section, Table } from './common.js';
import { DashboardLayout, PageHeader } from './shell.js';

function AccountList({ ctx, accounts, title, showEmployee }: { ctx: PageContext; accounts: WorkTimeAccount[]; title: string; showEmployee: boolean }): JSX.Element {
  return (
    <Section title={title}>
      <Table
        class="work-time-accounts"
        columns={[...(showEmployee ? [ctx.t('worktime.employee')] : []), ctx.t('worktime.customer'), ctx.t('worktime.weekly')]}
        count={accounts.length}
        empty={{ text: ctx.t('worktime.none'), icon: 'clock' }}
      >
        {accounts.map((a) => (
          <tr>
            {showEmployee ? (
              <td>
                <a href={workTimePaths.account(a.id)} safe>{a.employeeName}</a>
              </td>
            ) : (
              ''
            )}
            <td>{showEmployee ? <span safe>{a.customerName}</span> : <a href={workTimePaths.account(a.id)} safe>{a.customerName}</a>}</td>
            <td safe>{a.weeklyWorkSeconds === null ? ctx.t('worktime.weekly.none') : formatHours(a.weeklyWorkSeconds)}</td>
          </tr>
        ))}
      </Table>
    </Section>
  );
}

/** "Arbeitszeit": the viewer's own accounts and, for employee managers, their employees' accounts. */
export function WorkTimeOverviewPage(props: { ctx: PageContext; viewer: Viewer; own: WorkTimeAccount[]; managed: WorkTimeAccount[] }): JSX.Element {
  const { ctx } = props;
  return (
    <DashboardLayout ctx={ctx} viewer={props.viewer} title={ctx.t('worktime.title')}>
      <PageHeader title={ctx.t('worktime.title')} lead={ctx.t('worktime.lead')} />
      <AccountList ctx={ctx} accounts={props.own} title={ctx.t('worktime.own')} showEmployee={false} />
      {props.managed.length ? <AccountList ctx={ctx} accounts={props.managed} title={ctx.t('worktime.managed')} showEmployee={true} /> : ''}
    </DashboardLayout>
  );
}

function Post(props: { ctx: PageContext; action: string; label: string; kind: string; children?: Children }): JSX.Element {
  return (
    <form method="post" action={props.action} class="d-flex flex-wrap gap-2 align-items-end">
      <CsrfField ctx={props.ctx} />
      {props.children}
      <button type="submit" class={`btn ${props.kind}`} safe>{props.label}</button>
    </form>
  );
}

function Stretch({ ctx, zone, start, end }: { ctx: PageContext; zone: string; start?: string; end?: string | null }): JSX.Element {
  const value = (iso?: string | null) => (iso ? instantToLocal(Date.parse(iso), zone) : '');
  return (
    <>
      <label class="form-label small mb-0">
        <span safe>{ctx.t('worktime.start')}</span>
        <input type="datetime-local" name="startedAt" class="form-control form-control-sm" value={value(start)} required />
      </label>
      <label class="form-label small mb-0">
        <span safe>{ctx.t('worktime.end')}</span>
        <input type="datetime-local" name="endedAt" class="form-control form-control-sm" value={value(end)} required />
      </label>
      <label class="form-label small mb-0">
        <span safe>{ctx.t('worktime.reason')}</span>
        <input type="text" name="reason" class="form-control form-control-sm" maxlength="500" required />
      </label>
    </>
  );
}

/** One account: clock button (the employee), the period's worked time and overtime, entries, and corrections (managers). */
export function WorkTimeAccountPage(props: {
  ctx: PageContext;
  viewer: Viewer;
  report: WorkTimeReport;
  mayClock: boolean;
  mayCorrect: boolean;
  corrections: WorkTimeCorrection[];
  error?: string;
}): JSX.Element {
  const { ctx, report } = props;
  const { account } = report;
  const zone = account.timeZone;
  const title = `${ctx.t('worktime.title')}: ${account.employeeName}`;
  return (
    <DashboardLayout ctx={ctx} viewer={props.viewer} title={title}>
      <PageHeader title={title} lead={account.customerName} />
      {props.error ? <Banner kind="danger" text={props.error} /> : ''}
      <div class="card mb-4" id="work-time-clock">
        <div class="card-body d-flex flex-wrap align-items-center gap-3">
          <span class={`badge ${report.clockedInSince ? 'text-bg-success' : 'text-bg-secondary'}`} safe>
            {report.clockedInSince ? ctx.t('worktime.clockedin', { time: localTime(Date.parse(report.clockedInSince), zone) }) : ctx.t('worktime.clockedout')}
          </span>
          {props.mayClock ? (
            report.clockedInSince ? (
              <Post ctx={ctx} action={workTimePaths.clockOut(account.id)} label={ctx.t('worktime.clockout')} kind="btn-danger" />
            ) : (
              <Post ctx={ctx} action={workTimePaths.clockIn(account.id)} label={ctx.t('worktime.clockin')} kind="btn-success" />
            )
          ) : (
            ''
          )}
        </div>
      </div>
      <nav class="d-flex flex-wrap gap-2 align-items-center mb-3" aria-label={ctx.t('worktime.date')}>
        {PERIOD_UNITS.map((unit) => (
          <a class={`btn btn-sm ${unit === report.unit ? 'btn-primary' : 'btn-outline-primary'}`} href={workTimePaths.account(account.id, { unit, date: report.date })} safe>
            {ctx.t(`worktime.unit.${unit}`)}
          </a>
        ))}
        <a class="btn btn-sm btn-outline-secondary" href={workTimePaths.account(account.id, { unit: report.unit, date: report.previous })} safe>{ctx.t('worktime.previous')}</a>
        <a class="btn btn-sm btn-outline-secondary" href={workTimePaths.account(account.id, { unit: report.unit, date: report.next })} safe>{ctx.t('worktime.next')}</a>
        <a class="btn btn-sm btn-outline-success ms-auto" href={workTimePaths.export(account.id, report.unit, report.date)} safe>{ctx.t('worktime.export')}</a>
      </nav>
      <div class="row g-3 mb-4" id="work-time-summary">
        {[
          ['worktime.worked', report.workedSeconds],
          ['worktime.target', report.targetSeconds],
          ['worktime.overtime', report.overtimeSeconds],
        ].map(([label, seconds]) => (
          <div class="col-12 col-md-4">
            <div class="card h-100">
              <div class="card-body">
                <div class="text-muted small" safe>{ctx.t(String(label))}</div>
                <div class="fs-4" safe>{formatHours(Number(seconds))}</div>
              </div>
            </div>
          </div>
        ))}
      </div>
      {report.unit !== 'day' ? (
        <Section title={ctx.t('worktime.date')}>
          <Table class="work-time-days" columns={[ctx.t('worktime.date'), { label: ctx.t('worktime.worked'), end: true }, { label: ctx.t('worktime.target'), end: true }]} count={report.days.length}>
            {report.days.map((d) => (
              <tr>
                <td safe>{d.date}</td>
                <td class="text-end" safe>{formatHours(d.workedSeconds)}</td>
                <td class="text-end" safe>{formatHours(d.targetSeconds)}</td>
              </tr>
            ))}
          </Table>
        </Section>
      ) : (
        ''
      )}
      <Section title={ctx.t('worktime.entries')}>
        <Table
          class="work-time-entries"
          columns={[ctx.t('worktime.date'), ctx.t('worktime.start'), ctx.t('worktime.end'), { label: ctx.t('worktime.duration'), end: true }, ...(props.mayCorrect ? [ctx.t('worktime.correct')] : [])]}
          count={report.entries.length}
          empty={{ text: ctx.t('worktime.none'), icon: 'clock' }}
        >
          {report.entries.map((e) => {
            const start = Date.parse(e.started_at);
            const end = e.ended_at ? Date.parse(e.ended_at) : null;
            return (
              <tr>
                <td safe>{localDate(start, zone)}</td>
                <td safe>{localTime(start, zone)}</td>
                <td>
                  <span safe>{end === null ? ctx.t('worktime.open') : localTime(end, zone)}</span>
                  {e.corrected ? <span class="badge text-bg-warning ms-1" safe>{ctx.t('worktime.corrected')}</span> : ''}
                </td>
                <td class="text-end" safe>{end === null ? '' : formatHours((end - start) / 1000)}</td>
                {props.mayCorrect ? (
                  <td>
                    <details>
                      <summary safe>{ctx.t('worktime.change')}</summary>
                      <Post ctx={ctx} action={workTimePaths.changeEntry(account.id, e.id)} label={ctx.t('worktime.change')} kind="btn-sm btn-primary">
                        <Stretch ctx={ctx} zone={zone} start={e.started_at} end={e.ended_at} />
                      </Post>
                      <Post ctx={ctx} action={workTimePaths.deleteEntry(account.id, e.id)} label={ctx.t('worktime.delete')} kind="btn-sm btn-outline-danger">
                        <label class="form-label small mb-0">
                          <span safe>{ctx.t('worktime.reason')}</span>
                          <input type="text" name="reason" class="form-control form-control-sm" maxlength="500" required />
                        </label>
                      </Post>
                    </details>
                  </td>
                ) : (
                  ''
                )}
              </tr>
            );
          })}
        </Table>
      </Section>
      {props.mayCorrect ? (
        <>
          <Section title={ctx.t('worktime.add')}>
            <Post ctx={ctx} action={workTimePaths.addEntry(account.id)} label={ctx.t('worktime.add')} kind="btn-primary">
              <Stretch ctx={ctx} zone={zone} />
            </Post>
          </Section>
          <Section title={ctx.t('worktime.weekly')}>
            <Post ctx={ctx} action={workTimePaths.weeklyHours(account.id)} label={ctx.t('worktime.weekly.save')} kind="btn-outline-primary">
              <label class="form-label small mb-0">
                <span safe>{ctx.t('worktime.weekly.hours')}</span>
                <input
                  type="text"
                  inputmode="decimal"
                  name="hours"
                  class="form-control form-control-sm"
                  value={account.weeklyWorkSeconds === null ? '' : String(account.weeklyWorkSeconds / 3600).replace('.', ',')}
                />
              </label>
            </Post>
          </Section>
        </>
      ) : (
        ''
      )}
      <Section title={ctx.t('worktime.corrections')}>
        <Table class="work-time-corrections" columns={[ctx.t('worktime.date'), ctx.t('worktime.correct'), ctx.t('worktime.start'), ctx.t('worktime.end'), ctx.t('worktime.reason')]} count={props.corrections.length}>
          {props.corrections.map((c) => {
            const when = (iso: string | null) => (iso ? instantToLocal(Date.parse(iso), zone).replace('T', ' ') : '–');
            return (
              <tr>
                <td safe>{when(c.created_at)}</td>
                <td safe>{ctx.t(`worktime.action.${c.action}`)}</td>
                <td safe>{`${when(c.before_started_at)} → ${when(c.after_started_at)}`}</td>
                <td safe>{`${when(c.before_ended_at)} → ${when(c.after_ended_at)}`}</td>
                <td safe>{c.reason}</td>
              </tr>
            );
          })}
        </Table>
      </Section>
    </DashboardLayout>
  );
}
