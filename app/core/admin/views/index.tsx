import type { PageContext } from '../../ui/page-context.js';
import type { RecentEntry } from '../access.js';
import { resourceUrl, text } from '../site.js';
import type { AdminResource } from '../types.js';
import type { Display } from './cells.js';

export interface IndexGroup {
  app: string;
  label: string;
  resources: Array<{ resource: AdminResource; canAdd: boolean }>;
}

/** The admin's start page: every visible model grouped by app, and the user's recent changes. */
export function IndexView({ ctx, d, groups, recent }: { ctx: PageContext; d: Display; groups: IndexGroup[]; recent: RecentEntry[] }): JSX.Element {
  return (
    <div class="row">
      <div class="col-lg-8">
        {groups.map((group) => (
          <section class="card mb-3" id={`app-${group.app}`}>
            <div class="card-header">
              <h2 class="h6 mb-0" safe>{group.label}</h2>
            </div>
            <table class="table table-sm mb-0 align-middle">
              <tbody>
                {group.resources.map(({ resource, canAdd }) => (
                  <tr>
                    <th scope="row" class="fw-normal">
                      <a href={resourceUrl(resource, d.prefix)} safe>
                        {text(resource.labelPlural, d.language)}
                      </a>
                    </th>
                    <td class="text-end">
                      {canAdd ? (
                        <a class="small" href={`${resourceUrl(resource, d.prefix)}add`}>
                          <i class="bi bi-plus-lg"></i> <span safe>{ctx.t('admin.add')}</span>
                        </a>
                      ) : (
                        ''
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
      <div class="col-lg-4">
        <section class="card">
          <div class="card-header">
            <h2 class="h6 mb-0" safe>{ctx.t('admin.recent')}</h2>
          </div>
          <ul class="list-group list-group-flush small">
            {recent.length === 0 ? <li class="list-group-item text-muted" safe>{ctx.t('admin.recent.none')}</li> : ''}
            {recent.map((entry) => {
              const resource = d.site.get(entry.resource);
              const action = entry.actionName ? text(resource?.actions?.find((a) => a.name === entry.actionName)?.label, d.language) || entry.actionName : '';
              const label = `${action || ctx.t(`admin.audit.action.${entry.action}`)}: ${entry.objectLabel}`;
              return (
                <li class="list-group-item">
                  {resource && entry.action !== 'delete' ? (
                    <a href={`${resourceUrl(resource, d.prefix)}${encodeURIComponent(entry.objectId)}/`} safe>
                      {label}
                    </a>
                  ) : (
                    <span safe>{label}</span>
                  )}
                  <div class="text-muted" safe>
                    {resource ? text(resource.label, d.language) : entry.resource}
                  </div>
                </li>
              );
            })}
          </ul>
        </section>
      </div>
    </div>
  );
}
