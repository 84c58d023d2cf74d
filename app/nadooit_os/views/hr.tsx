import { CsrfField, Field, Select } from '../../core/ui/components.js';
import type { FieldErrors } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { Customer } from '../../nadooit_crm/services.js';
import type { ContractListing } from '../../nadooit_hr/services/contracts.js';
import type { Viewer } from '../access.js';
import { paths } from '../paths.js';
import { Banner, Section, Table } from './common.js';
import { DashboardLayout, PageHeader } from './shell.js';

export interface EmployeeRow extends ContractListing {
  roles: string[];
}

/** The status cell of a contract: a (de)activate button where allowed (htmx swaps the cell), else a badge. */
export function ContractStatus({ ctx, contract, canToggle }: { ctx: PageContext; contract: Pick<ContractListing, 'contractId' | 'isActive'>; canToggle: boolean }): JSX.Element {
  const active = Boolean(contract.isActive);
  const badge = (
    <span class={`badge ${active ? 'text-bg-success' : 'text-bg-secondary'} me-2`} safe>
      {ctx.t(active ? 'os.hr.active' : 'os.hr.inactive')}
    </span>
  );
  if (!canToggle) return <td id={`contract-${contract.contractId}`}>{badge}</td>;
  const action = active ? paths.deactivateContract(contract.contractId) : paths.activateContract(contract.contractId);
  return (
    <td id={`contract-${contract.contractId}`} class="text-nowrap">
      {badge}
      <form
        method="post"
        action={action}
        class="d-inline"
        hx-post={action}
        hx-target={`#contract-${contract.contractId}`}
        hx-swap="outerHTML"
        hx-confirm={active ? ctx.t('os.hr.confirm_deactivate') : undefined}
      >
        <CsrfField ctx={ctx} />
        <button type="submit" class={`btn btn-sm ${active ? 'btn-outline-danger' : 'btn-outline-success'}`} safe>
          {ctx.t(active ? 'os.hr.deactivate' : 'os.hr.activate')}
        </button>
      </form>
    </td>
  );
}

/** "Mitarbeiter Übersicht": per customer its employees, status and roles; (de)activation per customer ability. */
export function EmployeeOverviewPage(props: {
  ctx: PageContext;
  viewer: Viewer;
  groups: Array<{ customer: Customer; rows: EmployeeRow[]; canToggle: boolean }>;
}): JSX.Element {
  const { ctx } = props;
  const t = ctx.t;
  return (
    <DashboardLayout ctx={ctx} viewer={props.viewer} title={t('os.hr.overview.title')}>
      <PageHeader
        title={t('os.hr.overview.title')}
        actions={
          props.viewer.customers.some((c) => c.roles.employee_manager?.includes('can_add_new_employee')) ? (
            <a class="btn btn-primary" href={paths.addEmployee}>
              <i class="bi bi-person-plus me-1"></i>
              <span safe>{t('os.hr.add.title')}</span>
            </a>
          ) : undefined
        }
      />
      {props.groups.map(({ customer, rows, canToggle }) => (
        <Section title={customer.name} id={`employees-${customer.id}`} class="employee-block">
          <Table class="table-hover employees-table" columns={[t('os.hr.col.name'), t('os.hr.col.code'), t('os.hr.col.roles'), t('os.hr.col.status')]} count={rows.length} empty={{ text: t('os.hr.empty'), icon: 'people' }}>
            {rows.map((row) => (
              <tr data-user-code={row.userCode}>
                <td safe>{row.displayName || row.userCode}</td>
                <td>
                  <code class="user-code" safe>{row.userCode}</code>
                </td>
                <td>
                  {row.roles.map((role) => (
                    <span class="badge text-bg-light border me-1" safe>{t(`os.role.${role}`)}</span>
                  ))}
                </td>
                <ContractStatus ctx={ctx} contract={row} canToggle={canToggle && row.userId !== props.viewer.user.id} />
              </tr>
            ))}
          </Table>
        </Section>
      ))}
    </DashboardLayout>
  );
}

export function customerOptions(customers: Customer[]) {
  return customers.map((c) => ({ value: c.id, label: c.name }));
}

/** "Angestellten hinzufügen": customer (where the viewer may add) and the person's user code. */
export function AddEmployeePage(props: {
  ctx: PageContext;
  viewer: Viewer;
  customers: Customer[];
  values?: { customers?: string; user_code?: string };
  errors?: FieldErrors;
  error?: string;
}): JSX.Element {
  const { ctx } = props;
  const t = ctx.t;
  return (
    <DashboardLayout ctx={ctx} viewer={props.viewer} title={t('os.hr.add.title')}>
      <PageHeader title={t('os.hr.add.title')} lead={t('os.hr.add.lead')} />
      <div class="card os-narrow">
        <div class="card-body">
          {props.error ? <Banner kind="danger" text={props.error} /> : ''}
          <form method="post" action={paths.addEmployee} id="add-employee-form">
            <CsrfField ctx={ctx} />
            <Select name="customers" label={t('os.field.customer')} options={customerOptions(props.customers)} value={props.values?.customers} errors={props.errors} required />
            <Field name="user_code" label={t('os.field.user_code')} value={props.values?.user_code} errors={props.errors} required autocomplete="off" />
            <button type="submit" class="btn btn-primary" safe>
              {t('os.hr.add.submit')}
            </button>
          </form>
        </div>
      </div>
    </DashboardLayout>
  );
}
