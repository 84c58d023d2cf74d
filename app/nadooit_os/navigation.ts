import type { FastifyRequest } from 'fastify';
import type { Tx } from '../core/db/transaction.js';
import type { NavEntry, NavSource } from '../core/ui/navigation.js';
import { holds, viewerOf } from './access.js';
import type { Viewer } from './access.js';
import { ownershipPaths, paths, workTimePaths, workflowPaths } from './paths.js';
import { erpPaths } from './paths-erp.js';
import { networkPaths } from './paths-network.js';
import type { GrantableRole } from './paths.js';

/**
 * One dashboard area: a dropdown shown to holders of `role`, with the items the viewer may open. To add a
 * page to the navigation, add an item here (or a new area); other apps register a source of their own
 * with registerNavigation (core/ui/navigation.tsx).
 */
interface Area {
  id: string;
  label: string;
  href: string;
  visible: (viewer: Viewer) => boolean;
  items: Array<{ label: string; href: string; visible?: (viewer: Viewer) => boolean }>;
}

export const DASHBOARD_ORDER = 100;

/** The areas, built from the viewer's roles per customer (legacy-core §6.1, with D11 fixed: each "Schlüssel freischalten" entry appears for the matching role's give ability). */
export function dashboardAreas(): Area[] {
  const give = (role: GrantableRole) => (v: Viewer) => holds(v, role, 'can_give_manager_role');
  return [
    {
      id: 'executions',
      label: 'os.nav.executions',
      href: paths.bookings,
      visible: (v) => holds(v, 'customer_program_execution_manager'),
      items: [
        { label: 'os.nav.overview', href: paths.bookings },
        { label: 'os.nav.complaints', href: paths.complaints },
        { label: 'os.nav.grant', href: paths.grant('customer_program_execution_manager'), visible: give('customer_program_execution_manager') },
      ],
    },
    {
      id: 'timeaccounts',
      label: 'os.nav.timeaccounts',
      href: paths.timeAccounts,
      visible: (v) => holds(v, 'time_account_manager'),
      items: [
        { label: 'os.nav.overview', href: paths.timeAccounts },
        { label: 'os.nav.grant', href: paths.grant('time_account_manager'), visible: give('time_account_manager') },
      ],
    },
    {
      id: 'programs',
      label: 'os.nav.programs',
      href: paths.programs,
      visible: (v) => holds(v, 'customer_program_manager'),
      items: [
        { label: 'os.nav.overview', href: paths.programs },
        { label: 'workflow.title', href: workflowPaths.overview },
        { label: 'ownership.title', href: ownershipPaths.customer },
        { label: 'os.nav.grant', href: paths.grant('customer_program_manager'), visible: give('customer_program_manager') },
      ],
    },
    {
      id: 'hr',
      label: 'os.nav.hr',
      href: paths.employees,
      visible: (v) => holds(v, 'employee_manager'),
      items: [
        { label: 'os.nav.hr.overview', href: paths.employees },
        { label: 'os.nav.hr.add', href: paths.addEmployee, visible: (v) => holds(v, 'employee_manager', 'can_add_new_employee') },
        { label: 'worktime.title', href: workTimePaths.overview },
        { label: 'os.nav.grant', href: paths.grant('employee_manager'), visible: give('employee_manager') },
      ],
    },
    {
      id: 'erp',
      label: 'erp.nav',
      href: erpPaths.home,
      visible: (v) => holds(v, 'customer_manager'),
      items: [{ label: 'erp.title', href: erpPaths.home }],
    },
    {
      id: 'network',
      label: 'network.nav',
      href: networkPaths.home,
      visible: () => true,
      items: [{ label: 'network.title', href: networkPaths.home }],
    },
    {
      id: 'apikey',
      label: 'os.nav.apikey',
      href: paths.apiKeys,
      visible: (v) => v.apiKeyManager !== null,
      items: [
        { label: 'os.nav.apikey.list', href: paths.apiKeys },
        { label: 'os.nav.apikey.create', href: paths.createApiKey, visible: (v) => v.apiKeyManager?.abilities.includes('can_create_api_key') ?? false },
        { label: 'os.nav.apikey.revoke', href: paths.revokeAllApiKeys },
        { label: 'os.nav.grant', href: paths.apiKeyManagerGrant, visible: (v) => v.apiKeyManager?.abilities.includes('can_give_manager_role') ?? false },
      ],
    },
  ];
}

/** The dashboard's part of the shared navigation: its start page, then one dropdown per area the viewer may open. */
export function dashboardNavigation(db: Tx): NavSource {
  return {
    id: 'nadooit_os',
    async entries(request: FastifyRequest): Promise<NavEntry[]> {
      const t = request.t;
      const viewer = await viewerOf(request, db);
      const entries: NavEntry[] = [{ href: paths.home, label: t('os.nav.home'), order: DASHBOARD_ORDER }];
      dashboardAreas()
        .filter((area) => area.visible(viewer))
        .forEach((area, i) => {
          const menu = { id: area.id, label: t(area.label), href: area.href };
          for (const item of area.items) {
            if (item.visible && !item.visible(viewer)) continue;
            entries.push({ href: item.href, label: t(item.label), menu, order: DASHBOARD_ORDER + 1 + i });
          }
        });
      return entries;
    },
    // Everyone's own work time (clock in/out) sits beside the profile; the page says when there is no account.
    personal: (request) => [
      { href: paths.profile, label: request.t('os.nav.profile'), order: 10 },
      { href: workTimePaths.overview, label: request.t('worktime.title'), order: 11 },
    ],
  };
}
