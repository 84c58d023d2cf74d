import { CsrfField, EmptyState, Field, Select } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { ApiKeyInfo, CreatedApiKey } from '../../nadooit_api_key/services/index.js';
import type { Customer } from '../../nadooit_crm/services.js';
import type { Viewer } from '../access.js';
import { formatDateTime } from '../../core/ui/format.js';
import { paths } from '../paths.js';
import { DEFAULT_TIME_ZONE } from '../periods.js';
import { Banner } from './common.js';
import { DashboardLayout, PageHeader } from './shell.js';

type KeyRow = ApiKeyInfo & { user_code?: string; display_name?: string };

function keyState(key: ApiKeyInfo): 'active' | 'revoked' | 'expired' {
  if (!key.is_active) return 'revoked';
  if (key.expires_at && Date.parse(key.expires_at) <= Date.now()) return 'expired';
  return 'active';
}

function KeyTable({ ctx, keys, owner }: { ctx: PageContext; keys: KeyRow[]; owner: boolean }): JSX.Element {
  const t = ctx.t;
  const when = (iso: string | null) => (iso ? formatDateTime(iso, DEFAULT_TIME_ZONE, ctx.language) : t('os.apikey.never'));
  return (
    <div class="table-responsive">
      <table class="table table-hover align-middle api-keys-table">
        <thead>
          <tr>
            <th scope="col" safe>{t('os.apikey.col.name')}</th>
            {owner ? '' : <th scope="col" safe>{t('os.hr.col.name')}</th>}
            <th scope="col" safe>{t('os.apikey.col.prefix')}</th>
            <th scope="col" safe>{t('os.apikey.col.created')}</th>
            <th scope="col" safe>{t('os.apikey.col.last_used')}</th>
            <th scope="col" safe>{t('os.apikey.col.status')}</th>
            <th scope="col"></th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => {
            const state = keyState(key);
            const prefix: string = key.prefix ? `${key.prefix}_…` : '–';
            return (
              <tr id={`api-key-${key.id}`}>
                <td safe>{key.name}</td>
                {owner ? '' : <td safe>{`${key.display_name ?? ''} (${key.user_code ?? ''})`}</td>}
                <td>
                  <code safe>{prefix}</code>
                </td>
                <td class="text-nowrap" safe>{when(key.created_at)}</td>
                <td class="text-nowrap" safe>{when(key.last_used_at)}</td>
                <td>
                  <span class={`badge ${state === 'active' ? 'text-bg-success' : 'text-bg-secondary'}`} safe>
                    {t(`os.apikey.${state}`)}
                  </span>
                </td>
                <td class="text-end">
                  {state === 'active' ? (
                    <form method="post" action={paths.revokeApiKey(key.id)} data-confirm={t('os.apikey.confirm_revoke')}>
                      <CsrfField ctx={ctx} />
                      <button type="submit" class="btn btn-sm btn-outline-danger" safe>
                        {t('os.apikey.revoke')}
                      </button>
                    </form>
                  ) : (
                    ''
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Own keys (and, for managers with can_delete_api_key, the keys of their customers' people). */
export function ApiKeysPage(props: { ctx: PageContext; viewer: Viewer; own: KeyRow[]; managed: KeyRow[] }): JSX.Element {
  const { ctx, viewer } = props;
  const t = ctx.t;
  const canCreate = viewer.apiKeyManager?.abilities.includes('can_create_api_key') ?? false;
  return (
    <DashboardLayout ctx={ctx} viewer={viewer} title={t('os.apikey.title')}>
      <PageHeader
        title={t('os.apikey.title')}
        actions={
          <>
            {canCreate ? (
              <a class="btn btn-primary" href={paths.createApiKey}>
                <i class="bi bi-plus-lg me-1"></i>
                <span safe>{t('os.nav.apikey.create')}</span>
              </a>
            ) : (
              ''
            )}
            {props.own.some((k) => k.is_active) ? (
              <a class="btn btn-outline-danger" href={paths.revokeAllApiKeys} safe>
                {t('os.apikey.revoke_all')}
              </a>
            ) : (
              ''
            )}
          </>
        }
      />
      <section class="card mb-4" id="own-api-keys">
        <div class="card-body">{props.own.length ? <KeyTable ctx={ctx} keys={props.own} owner /> : <EmptyState text={t('os.apikey.empty')} icon="key" />}</div>
      </section>
      {props.managed.length ? (
        <section class="card mb-4" id="managed-api-keys">
          <div class="card-header bg-white">
            <h2 class="h6 mb-0" safe>{t('os.apikey.managed')}</h2>
          </div>
          <div class="card-body">
            <KeyTable ctx={ctx} keys={props.managed} owner={false} />
          </div>
        </section>
      ) : (
        ''
      )}
    </DashboardLayout>
  );
}

export function CreateApiKeyPage(props: { ctx: PageContext; viewer: Viewer; customers: Customer[]; values?: { name?: string; customer?: string }; error?: string }): JSX.Element {
  const { ctx } = props;
  const t = ctx.t;
  return (
    <DashboardLayout ctx={ctx} viewer={props.viewer} title={t('os.apikey.create.title')}>
      <PageHeader title={t('os.apikey.create.title')} />
      <div class="card os-narrow">
        <div class="card-body">
          {props.error ? <Banner kind="danger" text={props.error} /> : ''}
          <form method="post" action={paths.createApiKey} id="create-api-key-form">
            <CsrfField ctx={ctx} />
            <Field name="name" label={t('os.apikey.name')} help={t('os.apikey.name_help')} value={props.values?.name} required />
            <Select
              name="customer"
              label={t('os.field.customer')}
              options={[{ value: '', label: '–' }, ...props.customers.map((c) => ({ value: c.id, label: c.name }))]}
              value={props.values?.customer}
            />
            <button type="submit" class="btn btn-primary" safe>
              {t('os.apikey.create.submit')}
            </button>
          </form>
        </div>
      </div>
    </DashboardLayout>
  );
}

/** The one time the secret is shown: copy button and an example booking request. */
export function CreatedApiKeyPage(props: { ctx: PageContext; viewer: Viewer; created: CreatedApiKey; origin: string; programId: string | null }): JSX.Element {
  const { ctx, created: key } = props;
  const t = ctx.t;
  const curl = [
    `curl -X POST ${props.origin}/api/executions \\`,
    `  -d NADOOIT__API_KEY=${key.secret} \\`,
    `  -d NADOOIT__USER_CODE=${props.viewer.user.userCode} \\`,
    `  -d program_id=${props.programId ?? t('os.apikey.example_program')} \\`,
    `  -d time_saved=300`,
  ].join('\n');
  return (
    <DashboardLayout ctx={ctx} viewer={props.viewer} title={t('os.apikey.created')}>
      <PageHeader title={t('os.apikey.created')} />
      <Banner kind="warning" text={t('os.apikey.shown_once')} />
      <div class="card mb-4">
        <div class="card-body">
          <div class="d-flex flex-wrap align-items-center gap-2">
            <div class="secret-box flex-grow-1" id="new-api-key" safe>
              {key.secret}
            </div>
            <button type="button" class="btn btn-outline-primary" data-copy-target="#new-api-key" data-copied-label={t('os.apikey.copied')} safe>
              {t('os.apikey.copy')}
            </button>
          </div>
          <p class="small text-muted mt-2 mb-0" safe>{`${key.name} · ${key.prefix}`}</p>
        </div>
      </div>
      <div class="card">
        <div class="card-body">
          <div class="d-flex justify-content-between align-items-center mb-2">
            <h2 class="h6 mb-0" safe>{t('os.apikey.example')}</h2>
            <button type="button" class="btn btn-sm btn-outline-secondary" data-copy-target="#curl-example" data-copied-label={t('os.apikey.copied')} safe>
              {t('os.apikey.copy')}
            </button>
          </div>
          <pre class="curl-example mb-0" id="curl-example" safe>
            {curl}
          </pre>
        </div>
      </div>
      <a class="btn btn-link mt-3" href={paths.apiKeys} safe>
        {t('os.back')}
      </a>
    </DashboardLayout>
  );
}

/** One customer's active keys of the viewer (customerId null: the keys without a customer, named after the viewer). */
export interface RevokeGroup {
  customerId: string | null;
  name: string;
  count: number;
}

/**
 * "Delete all keys", one form per customer: the customer's name must be typed to confirm (checked by the
 * service; a mismatch comes back as the field's error in `failed`).
 */
export function RevokeAllPage(props: { ctx: PageContext; viewer: Viewer; groups: RevokeGroup[]; failed?: { customerId: string | null; error: string; value: string } }): JSX.Element {
  const { ctx } = props;
  const t = ctx.t;
  return (
    <DashboardLayout ctx={ctx} viewer={props.viewer} title={t('os.nav.apikey.revoke')}>
      <PageHeader title={t('os.nav.apikey.revoke')} />
      {props.groups.length === 0 ? <EmptyState text={t('os.apikey.empty')} icon="key" /> : ''}
      {props.groups.map((group) => {
        const id = `revoke-all-${group.customerId ?? 'personal'}`;
        const failed = props.failed && props.failed.customerId === group.customerId ? props.failed : undefined;
        return (
          <section class="card os-narrow mb-4" id={id}>
            <div class="card-body">
              <h2 class="h6" safe>{t(group.customerId ? 'os.apikey.revoke_all.customer' : 'os.apikey.revoke_all.personal', { name: group.name, count: group.count })}</h2>
              <form method="post" action={paths.revokeAllApiKeys}>
                <CsrfField ctx={ctx} />
                <input type="hidden" name="customer" value={group.customerId ?? ''} />
                <div class="mb-3">
                  <label class="form-label" for={`${id}-confirmation`} safe>
                    {t('os.apikey.revoke_all.confirm_label', { name: group.name })}
                  </label>
                  <input
                    id={`${id}-confirmation`}
                    class={`form-control${failed ? ' is-invalid' : ''}`}
                    name="confirmation"
                    value={failed?.value}
                    required
                    autocomplete="off"
                    aria-invalid={failed ? 'true' : undefined}
                  />
                  {failed ? <div class="invalid-feedback" safe>{failed.error}</div> : ''}
                </div>
                <button type="submit" class="btn btn-danger" safe>
                  {t('os.apikey.revoke_all.submit', { name: group.name })}
                </button>
              </form>
            </div>
          </section>
        );
      })}
    </DashboardLayout>
  );
}
