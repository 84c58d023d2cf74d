import { CsrfField, EmptyState, Field, Select } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { Customer } from '../../nadooit_crm/services.js';
import type { Viewer } from '../access.js';
import type { RoleHolder } from '../../nadooit_hr/services/holders.js';
import { Banner, Section } from './common.js';
import { customerOptions } from './hr.js';
import { DashboardLayout, PageHeader } from './shell.js';

export interface GrantPageProps {
  ctx: PageContext;
  viewer: Viewer;
  /** Message key of the page title ("… Schlüssel freischalten"). */
  titleKey: string;
  /** Where the form posts; revocations post to `${action}/revoke`. */
  action: string;
  /** Customers the viewer may grant for (holds the role's give ability there). */
  customers: Customer[];
  /** The abilities offered as checkboxes (those the viewer holds for at least one of the customers). */
  abilities: readonly string[];
  /** The current holders per customer, with the abilities the viewer holds there (what they may take back). */
  holders: Array<{ customer: Customer; holders: RoleHolder[]; own: readonly string[] }>;
  values?: { customers?: string; user_code?: string; role?: string[] };
  error?: string;
  /** False where single abilities cannot be taken back (API-key managers: only the whole role per customer). */
  abilityRevoke?: boolean;
}

function HolderList(props: { ctx: PageContext; action: string; customer: Customer; holders: RoleHolder[]; own: readonly string[]; abilityRevoke: boolean }): JSX.Element {
  const { ctx, action, customer, holders, own, abilityRevoke } = props;
  const t = ctx.t;
  if (!holders.length) return <p class="text-muted small mb-0" safe>{t('os.grant.holders.empty')}</p>;
  return (
    <ul class="list-group list-group-flush role-holders">
      {holders.map((holder) => (
        <li class="list-group-item px-0" data-user-code={holder.userCode}>
          <div class="d-flex justify-content-between align-items-start gap-2">
            <div>
              <div class="fw-semibold">
                <span safe>{holder.displayName || holder.userCode}</span> <code class="small user-code" safe>{holder.userCode}</code>
                {holder.contractActive ? '' : <span class="badge text-bg-secondary ms-2" safe>{t('os.hr.inactive')}</span>}
              </div>
              <div class="d-flex flex-wrap gap-1 mt-1">
                {holder.abilities.map((ability) =>
                  !abilityRevoke || !own.includes(ability) ? (
                    <span class="badge text-bg-light border" safe>{t(`os.ability.${ability}`)}</span>
                  ) : (
                  <form method="post" action={`${action}/revoke`} class="d-inline">
                    <CsrfField ctx={ctx} />
                    <input type="hidden" name="customer_id" value={customer.id} />
                    <input type="hidden" name="employee_id" value={holder.employeeId} />
                    <input type="hidden" name="ability" value={ability} />
                    <span class="badge text-bg-light border ability-badge">
                      <span safe>{t(`os.ability.${ability}`)}</span>
                      <button type="submit" class="btn btn-link btn-sm p-0 ms-1 text-danger" title={t('os.grant.revoke_ability')} aria-label={t('os.grant.revoke_ability')}>
                        <i class="bi bi-x-circle"></i>
                      </button>
                    </span>
                  </form>
                  ),
                )}
              </div>
            </div>
            {holder.abilities.every((a) => own.includes(a)) ? (
              <form method="post" action={`${action}/revoke`} data-confirm={t('os.grant.confirm_revoke')}>
                <CsrfField ctx={ctx} />
                <input type="hidden" name="customer_id" value={customer.id} />
                <input type="hidden" name="employee_id" value={holder.employeeId} />
                <button type="submit" class="btn btn-sm btn-outline-danger text-nowrap" safe>
                  {t('os.grant.revoke')}
                </button>
              </form>
            ) : (
              ''
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** "Schlüssel freischalten" for one manager role: grant form, current holders with revoke buttons. */
export function GrantPage(props: GrantPageProps): JSX.Element {
  const { ctx } = props;
  const t = ctx.t;
  const checked = new Set(props.values?.role ?? []);
  return (
    <DashboardLayout ctx={ctx} viewer={props.viewer} title={t(props.titleKey)}>
      <PageHeader title={t(props.titleKey)} lead={t('os.grant.lead')} />
      <div class="row g-4">
        <div class="col-lg-5">
          <div class="card">
            <div class="card-body">
              {props.error ? <Banner kind="danger" text={props.error} /> : ''}
              <form method="post" action={props.action} id="grant-form">
                <CsrfField ctx={ctx} />
                <Select name="customers" label={t('os.field.customer')} options={customerOptions(props.customers)} value={props.values?.customers} required />
                <Field name="user_code" label={t('os.field.user_code')} value={props.values?.user_code} required autocomplete="off" />
                <fieldset class="mb-3">
                  <legend class="form-label fs-6" safe>{t('os.field.roles')}</legend>
                  {props.abilities.map((ability) => (
                    <div class="form-check">
                      <input class="form-check-input" type="checkbox" name="role" value={ability} id={`ability-${ability}`} checked={checked.has(ability)} />
                      <label class="form-check-label" for={`ability-${ability}`} safe>
                        {t(`os.ability.${ability}`)}
                      </label>
                    </div>
                  ))}
                </fieldset>
                <button type="submit" class="btn btn-primary" safe>
                  {t('os.grant.submit')}
                </button>
              </form>
            </div>
          </div>
        </div>
        <div class="col-lg-7">
          <h2 class="h5 mb-3" safe>{t('os.grant.holders')}</h2>
          {props.holders.length === 0 ? <EmptyState text={t('os.grant.holders.empty')} icon="people" /> : ''}
          {props.holders.map(({ customer, holders, own }) => (
            <Section title={customer.name} id={`holders-${customer.id}`} small>
              <HolderList ctx={ctx} action={props.action} customer={customer} holders={holders} own={own} abilityRevoke={props.abilityRevoke ?? true} />
            </Section>
          ))}
        </div>
      </div>
    </DashboardLayout>
  );
}
