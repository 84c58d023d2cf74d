import type { PageContext } from '../../core/ui/page-context.js';
import type { ManagerRole } from '../../nadooit_hr/roles.js';
import type { Viewer } from '../access.js';
import type { Totals } from '../bookings.js';
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
  month?: Totals & { count: number; open: Record<string, number> };
  balance?: { seconds: number; low: boolean };
}

function Figure({ label, value, warn = false }: { label: string; value: string; warn?: boolean }): JSX.Element {
  return (
    <div class="col-6">
      <div class="small text-muted" safe>{label}</div>
      <div class={`fw-semibold${warn ? ' low-balance' : ''}`} safe>
        {value}
      </div>
    </div>
  );
}

function money(ctx: PageContext, price: Record<string, number>): string {
  return formatMoney(price.EUR ?? Object.values(price)[0] ?? 0, ctx.language);
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
                    {f.month || f.balance ? (
                      <div class="row g-2 mb-3 key-figures">
                        {f.month ? <Figure label={t('os.home.month_time')} value={formatDuration(f.month.seconds)} /> : ''}
                        {f.month ? <Figure label={t('os.home.month_cost')} value={money(ctx, f.month.price)} /> : ''}
                        {f.month ? <Figure label={t('os.home.month_count')} value={String(f.month.count)} /> : ''}
                        {f.month ? <Figure label={t('os.home.open')} value={money(ctx, f.month.open)} /> : ''}
                        {f.balance ? <Figure label={t('os.home.balance')} value={formatDuration(f.balance.seconds)} warn={f.balance.low} /> : ''}
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
