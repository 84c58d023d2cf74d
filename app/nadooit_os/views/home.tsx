import type { PageContext } from '../../core/ui/page-context.js';
import type { ManagerRole } from '../../nadooit_hr/roles.js';
import type { Viewer } from '../access.js';
import { paths } from '../paths.js';
import { NoEmploymentState } from './common.js';
import { DashboardLayout, PageHeader } from './shell.js';

/** Where each role leads from the start page. */
const ROLE_LINKS: Partial<Record<ManagerRole, { href: string; icon: string; label: string }>> = {
  customer_program_execution_manager: { href: paths.bookings, icon: 'receipt', label: 'os.nav.executions' },
  time_account_manager: { href: paths.timeAccounts, icon: 'hourglass-split', label: 'os.nav.timeaccounts' },
  customer_program_manager: { href: paths.programs, icon: 'robot', label: 'os.nav.programs' },
  employee_manager: { href: paths.employees, icon: 'people', label: 'os.nav.hr' },
};

export function HomePage({ ctx, viewer }: { ctx: PageContext; viewer: Viewer }): JSX.Element {
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
            const roles: Partial<Record<ManagerRole, string[]>> =
              viewer.customers.find((c) => c.customerId === contract.customerId)?.roles ?? {};
            const links = Object.entries(ROLE_LINKS).filter(([role]) => roles[role as ManagerRole]);
            return (
              <div class="col-md-6 col-lg-4">
                <div class="card h-100 customer-tile">
                  <div class="card-body">
                    <h2 class="h5 card-title" safe>{contract.customerName}</h2>
                    <ul class="list-unstyled small text-muted mb-3">
                      {Object.keys(roles).map((role) => (
                        <li safe>{t(`os.role.${role}`)}</li>
                      ))}
                    </ul>
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
