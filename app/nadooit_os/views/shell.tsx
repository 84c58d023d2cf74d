import type { Children } from '@kitajs/html';
import { CsrfField } from '../../core/ui/components.js';
import { Layout } from '../../core/ui/layout.js';
import type { PageContext } from '../../core/ui/page-context.js';
import { holds } from '../access.js';
import type { Viewer } from '../access.js';
import { paths } from '../paths.js';
import { osAsset } from '../static-mount.js';

interface MenuItem {
  href: string;
  label: string;
}

function Menu({ ctx, id, label, href, items }: { ctx: PageContext; id: string; label: string; href: string; items: MenuItem[] }): JSX.Element {
  const active = items.some((i) => i.href === ctx.path) || href === ctx.path;
  // Without JavaScript the toggle is a plain link to the area's overview page.
  return (
    <li class="nav-item dropdown">
      <a
        class={`nav-link dropdown-toggle${active ? ' active' : ''}`}
        href={href}
        id={`nav-${id}`}
        role="button"
        data-bs-toggle="dropdown"
        aria-expanded="false"
        safe
      >
        {label}
      </a>
      <ul class="dropdown-menu" aria-labelledby={`nav-${id}`}>
        {items.map((i) => (
          <li>
            <a class={`dropdown-item${i.href === ctx.path ? ' active' : ''}`} href={i.href} safe>
              {i.label}
            </a>
          </li>
        ))}
      </ul>
    </li>
  );
}

/**
 * The navbar, built from the viewer's roles per customer (legacy-core §6.1, with D11 fixed: each
 * "Schlüssel freischalten" entry appears for the matching role's give ability, nothing else).
 */
export function DashboardNav({ ctx, viewer }: { ctx: PageContext; viewer: Viewer }): JSX.Element {
  const t = ctx.t;
  const menus: JSX.Element[] = [];
  if (holds(viewer, 'customer_program_execution_manager')) {
    menus.push(
      <Menu ctx={ctx} id="executions" label={t('os.nav.executions')} href={paths.bookings} items={[
        { href: paths.bookings, label: t('os.nav.overview') },
        ...(holds(viewer, 'customer_program_execution_manager', 'can_give_manager_role')
          ? [{ href: paths.grant('customer_program_execution_manager'), label: t('os.nav.grant') }]
          : []),
      ]} />,
    );
  }
  if (holds(viewer, 'time_account_manager')) {
    menus.push(
      <Menu ctx={ctx} id="timeaccounts" label={t('os.nav.timeaccounts')} href={paths.timeAccounts} items={[
        { href: paths.timeAccounts, label: t('os.nav.overview') },
        ...(holds(viewer, 'time_account_manager', 'can_give_manager_role') ? [{ href: paths.grant('time_account_manager'), label: t('os.nav.grant') }] : []),
      ]} />,
    );
  }
  if (holds(viewer, 'customer_program_manager')) {
    menus.push(
      <Menu ctx={ctx} id="programs" label={t('os.nav.programs')} href={paths.programs} items={[
        { href: paths.programs, label: t('os.nav.overview') },
        ...(holds(viewer, 'customer_program_manager', 'can_give_manager_role')
          ? [{ href: paths.grant('customer_program_manager'), label: t('os.nav.grant') }]
          : []),
      ]} />,
    );
  }
  if (holds(viewer, 'employee_manager')) {
    menus.push(
      <Menu ctx={ctx} id="hr" label={t('os.nav.hr')} href={paths.employees} items={[
        { href: paths.employees, label: t('os.nav.hr.overview') },
        ...(holds(viewer, 'employee_manager', 'can_add_new_employee') ? [{ href: paths.addEmployee, label: t('os.nav.hr.add') }] : []),
        ...(holds(viewer, 'employee_manager', 'can_give_manager_role') ? [{ href: paths.grant('employee_manager'), label: t('os.nav.grant') }] : []),
      ]} />,
    );
  }
  if (viewer.apiKeyManager) {
    const abilities = viewer.apiKeyManager.abilities;
    menus.push(
      <Menu ctx={ctx} id="apikey" label={t('os.nav.apikey')} href={paths.apiKeys} items={[
        { href: paths.apiKeys, label: t('os.nav.apikey.list') },
        ...(abilities.includes('can_create_api_key') ? [{ href: paths.createApiKey, label: t('os.nav.apikey.create') }] : []),
        { href: paths.revokeAllApiKeys, label: t('os.nav.apikey.revoke') },
        ...(abilities.includes('can_give_manager_role') ? [{ href: paths.apiKeyManagerGrant, label: t('os.nav.grant') }] : []),
      ]} />,
    );
  }
  return (
    <>
      <li class="nav-item">
        <a class={`nav-link${ctx.path === paths.profile ? ' active' : ''}`} href={paths.profile} safe>
          {t('os.nav.profile')}
        </a>
      </li>
      {menus}
      <li class="nav-item">
        <form method="post" action={paths.logout} class="d-inline">
          <CsrfField ctx={ctx} />
          <button type="submit" class="btn btn-link nav-link text-danger-emphasis logout-link" safe>
            {t('os.nav.logout')}
          </button>
        </form>
      </li>
    </>
  );
}

export function DashboardLayout(props: { ctx: PageContext; viewer: Viewer; title: string; children?: Children }): JSX.Element {
  return (
    <Layout ctx={props.ctx} title={props.title} brandHref={paths.home} nav={<DashboardNav ctx={props.ctx} viewer={props.viewer} />}>
      <link rel="stylesheet" href={osAsset('nadooit-os.css')} />
      <script src={osAsset('nadooit-os.js')} defer></script>
      <div
        id="os-request-error"
        class="alert alert-danger d-none"
        role="alert"
        data-message={props.ctx.t('os.request.error')}
        data-message-401={props.ctx.t('os.request.401')}
        data-message-403={props.ctx.t('os.request.403')}
        data-message-404={props.ctx.t('os.request.404')}
      ></div>
      {props.children}
    </Layout>
  );
}

export function PageHeader({ title, lead, actions }: { title: string; lead?: string; actions?: JSX.Element }): JSX.Element {
  return (
    <div class="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-4">
      <div>
        <h1 class="h3 mb-1" safe>{title}</h1>
        {lead ? <p class="text-muted mb-0" safe>{lead}</p> : ''}
      </div>
      {actions ? <div class="d-flex gap-2">{actions}</div> : ''}
    </div>
  );
}
