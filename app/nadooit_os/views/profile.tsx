import type { PageContext } from '../../core/ui/page-context.js';
import type { Viewer } from '../access.js';
import { formatDate } from '../../core/ui/format.js';
import { paths } from '../paths.js';
import { NoEmploymentState } from './common.js';
import { DashboardLayout, PageHeader } from './shell.js';

function RoleList({ ctx, roles }: { ctx: PageContext; roles: Partial<Record<string, string[]>> }): JSX.Element {
  const entries = Object.entries(roles);
  if (!entries.length) return <p class="text-muted mb-0" safe>{ctx.t('os.profile.no_role')}</p>;
  return (
    <ul class="list-group list-group-flush">
      {entries.map(([role, abilities]) => (
        <li class="list-group-item px-0">
          <div class="fw-semibold" safe>{ctx.t(`os.role.${role}`)}</div>
          <div class="d-flex flex-wrap gap-1 mt-1">
            {(abilities ?? []).map((a) => (
              <span class="badge text-bg-light border" safe>{ctx.t(`os.ability.${a}`)}</span>
            ))}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** "Profil": own code and name, every contract with its roles per customer, links to keys and sessions. */
export function ProfilePage({ ctx, viewer }: { ctx: PageContext; viewer: Viewer }): JSX.Element {
  const t = ctx.t;
  const zone = 'Europe/Berlin';
  return (
    <DashboardLayout ctx={ctx} viewer={viewer} title={t('os.profile.title')}>
      <PageHeader title={t('os.profile.title')} />
      <div class="row g-4">
        <div class="col-lg-4">
          <div class="card mb-4">
            <div class="card-body">
              <table class="table mb-0" id="profile-identity">
                <tbody>
                  <tr>
                    <th scope="row" safe>{t('os.profile.displayname')}</th>
                    <td safe>{viewer.user.displayName}</td>
                  </tr>
                  <tr>
                    <th scope="row" safe>{t('os.profile.usercode')}</th>
                    <td>
                      <code class="user-code" safe>{viewer.user.userCode}</code>
                    </td>
                  </tr>
                </tbody>
              </table>
            </div>
          </div>
          <div class="card">
            <div class="card-body">
              <h2 class="h6 text-uppercase text-muted" safe>{t('os.profile.security')}</h2>
              <div class="d-grid gap-2">
                <a class="btn btn-outline-primary" href={paths.securityKeys}>
                  <i class="bi bi-key me-1"></i>
                  <span safe>{t('os.profile.keys')}</span>
                </a>
                <a class="btn btn-outline-primary" href={paths.sessions}>
                  <i class="bi bi-laptop me-1"></i>
                  <span safe>{t('os.profile.sessions')}</span>
                </a>
                {viewer.apiKeyManager ? (
                  <a class="btn btn-outline-primary" href={paths.apiKeys}>
                    <i class="bi bi-braces me-1"></i>
                    <span safe>{t('os.profile.apikeys')}</span>
                  </a>
                ) : (
                  ''
                )}
              </div>
            </div>
          </div>
        </div>
        <div class="col-lg-8">
          <h2 class="h5 mb-3" safe>{t('os.profile.contracts')}</h2>
          {viewer.contracts.length === 0 ? (
            <NoEmploymentState ctx={ctx} viewer={viewer} />
          ) : (
            viewer.contracts.map((contract) => {
              const roles = viewer.customers.find((c) => c.customerId === contract.customerId)?.roles ?? {};
              return (
                <section class="card mb-3 profile-contract">
                  <div class="card-header bg-white d-flex justify-content-between align-items-center">
                    <h3 class="h6 mb-0" safe>{contract.customerName}</h3>
                    <span class={`badge ${contract.isActive ? 'text-bg-success' : 'text-bg-secondary'}`} safe>
                      {t(contract.isActive ? 'os.profile.contract_active' : 'os.profile.contract_inactive')}
                    </span>
                  </div>
                  <div class="card-body">
                    <p class="small text-muted" safe>
                      {t('os.profile.contract_since', { date: formatDate(`${contract.startDate}T12:00:00.000Z`, zone, ctx.language) })}
                    </p>
                    <RoleList ctx={ctx} roles={contract.isActive ? roles : {}} />
                  </div>
                </section>
              );
            })
          )}
          {viewer.apiKeyManager ? (
            <section class="card mb-3">
              <div class="card-body">
                <RoleList ctx={ctx} roles={{ api_key_manager: viewer.apiKeyManager.abilities }} />
              </div>
            </section>
          ) : (
            ''
          )}
        </div>
      </div>
    </DashboardLayout>
  );
}
