import type { PageContext } from '../../core/ui/page-context.js';
import type { ManagerRole } from '../../nadooit_hr/roles.js';
import type { Viewer } from '../access.js';
import { changePercent } from '../month-comparison.js';
import type { MonthComparison, MonthFigures } from '../month-comparison.js';
import { lowBannerText } from './time-accounts.js';
import type { AccountView } from './time-accounts.js';
import { formatDuration, formatMoney } from '../../core/ui/format.js';
import { ownershipPaths, paths, workflowPaths, workTimePaths } from '../paths.js';
import { NoEmploymentState } from './common.js';
import { DashboardLayout, PageHeader } from './shell.js';

/** Where each role leads from the start page. */
const ROLE_LINKS: Partial<Record<ManagerRole, { href: string; icon: string; label: string }>> = {
  customer_program_execution_manager: { href: paths.bookings, icon: 'receipt', label: 'os.nav.executions' },
  time_account_manager: { href: paths.timeAccounts, icon: 'hourglass-split', label: 'os.nav.timeaccounts' },
  customer_program_manager: { href: paths.programs, icon: 'robot', label: 'os.nav.programs' },
  employee_manager: { href: paths.employees, icon: 'people', label: 'os.nav.hr' },
};

/** Further pages from the start page: for holders of `role`, or for everyone employed when no role is named. */
const MORE_LINKS: Array<{ role?: ManagerRole; href: string; icon: string; label: string }> = [
  { role: 'customer_program_manager', href: workflowPaths.overview, icon: 'diagram-3', label: 'workflow.title' },
  { role: 'customer_program_manager', href: ownershipPaths.customer, icon: 'briefcase', label: 'ownership.title' },
  { href: workTimePaths.overview, icon: 'clock', label: 'worktime.title' },
];

/** Key figures of one customer, each present only when the viewer holds the role that may see it. */
export interface CustomerFigures {
  month?: MonthComparison;
  /** Active time accounts, each with its low-balance state. */
  accounts?: AccountView[];
}

function money(ctx: PageContext, price: Record<string, number>): string {
  return formatMoney(price.EUR ?? Object.values(price)[0] ?? 0, ctx.language);
}

const mainPrice = (price: Record<string, number>) => price.EUR ?? Object.values(price)[0] ?? 0;

/** "▲ 20 %" against last month up to the same day; nothing when last month had none. */
function Change({ ctx, now, before }: { ctx: PageContext; now: number; before: number }): JSX.Element {
  const change = changePercent(now, before);
  if (change === null) return <></>;
  const kind = change > 0 ? 'up' : change < 0 ? 'down' : 'same';
  const arrow = change > 0 ? '▲' : change < 0 ? '▼' : '＝';
  return (
    <span class={`month-change month-change-${kind} small ms-1`} title={ctx.t('os.home.change_title')} safe>
      {`${arrow} ${Math.abs(change)} %`}
    </span>
  );
}

/** This month against last month: bookings, time saved, cost (the change is against last month up to the same day). */
function MonthTable({ ctx, month }: { ctx: PageContext; month: MonthComparison }): JSX.Element {
  const t = ctx.t;
  const { thisMonth, lastMonth, lastMonthSoFar } = month;
  const rows = [
    { key: 'count', label: t('os.home.bookings'), now: thisMonth.count, before: lastMonthSoFar.count, show: (f: MonthFigures) => String(f.count) },
    { key: 'time', label: t('os.home.time_saved'), now: thisMonth.seconds, before: lastMonthSoFar.seconds, show: (f: MonthFigures) => formatDuration(f.seconds) },
    { key: 'cost', label: t('os.home.cost'), now: mainPrice(thisMonth.price), before: mainPrice(lastMonthSoFar.price), show: (f: MonthFigures) => money(ctx, f.price) },
  ];
  return (
    <div class="mb-3 month-comparison">
      <table class="table table-sm mb-1 small">
        <thead>
          <tr>
            <th scope="col"></th>
            <th scope="col" class="text-end" safe>{t('os.filter.thismonth')}</th>
            <th scope="col" class="text-end" safe>{t('os.filter.lastmonth')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr data-figure={r.key}>
              <th scope="row" class="fw-normal text-muted" safe>{r.label}</th>
              <td class="text-end fw-semibold text-nowrap this-month">
                <span safe>{r.show(thisMonth)}</span>
                <Change ctx={ctx} now={r.now} before={r.before} />
              </td>
              <td class="text-end text-nowrap last-month" safe>{r.show(lastMonth)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="small text-muted" safe>
        {`${t('os.home.open')}: ${money(ctx, thisMonth.open)} · ${t('os.home.change_note', { day: month.day })}`}
      </div>
    </div>
  );
}

/** Each active time account with its balance; a low one is marked and explained (before it reaches zero). */
function Accounts({ ctx, accounts }: { ctx: PageContext; accounts: AccountView[] }): JSX.Element {
  if (!accounts.length) return <></>;
  return (
    <div class="mb-3 home-accounts">
      <div class="small text-muted mb-1" safe>{ctx.t('os.home.balance')}</div>
      <ul class="list-unstyled mb-0">
        {accounts.map((a) => (
          <li class={`d-flex flex-wrap justify-content-between gap-2${a.low ? ' low-balance' : ''}`} data-account-id={a.timeAccountId}>
            <a href={paths.timeAccount(a.timeAccountId)} safe>
              {a.name}
            </a>
            <span class="fw-semibold text-nowrap">
              <span safe>{formatDuration(a.balanceSeconds)}</span>
              {a.low ? <span class="badge text-bg-warning ms-2" safe>{ctx.t('os.ta.low')}</span> : ''}
            </span>
            {a.low ? <div class="w-100 small text-danger-emphasis low-balance-note" safe>{lowBannerText(ctx, a)}</div> : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function HomePage({ ctx, viewer, figures }: { ctx: PageContext; viewer: Viewer; figures: Map<string, CustomerFigures> }): JSX.Element {
  const t = ctx.t;
  const name = viewer.user.displayName || viewer.user.userCode;
  const active = viewer.contracts.filter((c) => c.isActive);
  return (
    <DashboardLayout ctx={ctx} viewer={viewer} title={t('os.title')}>
      <PageHeader title={t('os.home.welcome', { name })} lead={t('os.home.lead')} />
      {active.length === 0 ? (
        <NoEmploymentState ctx={ctx} viewer={viewer} />
      ) : (
        <div class="row g-4">
          {active.map((contract) => {
            const roles: Partial<Record<ManagerRole, string[]>> = viewer.customers.find((c) => c.customerId === contract.customerId)?.roles ?? {};
            const links = [
              ...Object.entries(ROLE_LINKS).filter(([role]) => roles[role as ManagerRole]),
              ...MORE_LINKS.filter((link) => !link.role || roles[link.role]).map((link) => [link.href, link] as const),
            ];
            const f = figures.get(contract.customerId) ?? {};
            return (
              <div class="col-lg-6">
                <div class="card h-100 customer-tile" id={`customer-${contract.customerId}`}>
                  <div class="card-body">
                    <h2 class="h5 card-title" safe>{contract.customerName}</h2>
                    <p class="small text-muted mb-3" safe>
                      {Object.keys(roles).map((role) => t(`os.role.${role}`)).join(' · ') || t('os.profile.no_role')}
                    </p>
                    {f.month || f.accounts ? (
                      <div class="key-figures">
                        {f.month ? <MonthTable ctx={ctx} month={f.month} /> : ''}
                        {f.accounts ? <Accounts ctx={ctx} accounts={f.accounts} /> : ''}
                      </div>
                    ) : (
                      ''
                    )}
                    {links.length ? (
                      <div class="d-flex flex-wrap gap-2">
                        {links.map(([, link]) => (
                          <a class="btn btn-sm btn-outline-primary" href={link!.href}>
                            <i class={`bi bi-${link!.icon} me-1`}></i>
                            <span safe>{t(link!.label)}</span>
                          </a>
                        ))}
                      </div>
                    ) : (
                      <p class="small mb-0" safe>{t('os.home.no_roles', { code: viewer.user.userCode })}</p>
                    )}
                  </div>
                </div>
              </div>
            );
          })}
        </div>
      )}
    </DashboardLayout>
  );
}
