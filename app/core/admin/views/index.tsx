import type { PageContext } from '../../ui/page-context.js';
import type { RecentEntry } from '../access.js';
import type { AttentionView, HomeGroup, HomeSectionView } from '../home.js';
import { resourceUrl, text } from '../site.js';
import type { Display } from './cells.js';

/** One number of the "needs attention" panel: a link to the filtered list, highlighted when not zero. */
function AttentionTile({ item, ctx }: { item: AttentionView; ctx: PageContext }): JSX.Element {
  const shown = item.capped ? `${item.count.toLocaleString(ctx.language)}+` : item.count.toLocaleString(ctx.language);
  const tone = item.count > 0 ? 'border-warning' : 'border-light';
  const body = (
    <div class="card-body py-2 px-3">
      <div class={`fs-4 fw-semibold ${item.count > 0 ? 'text-body' : 'text-muted'}`} data-count={String(item.count)} safe>
        {shown}
      </div>
      <div class="small text-muted" safe>{item.label}</div>
    </div>
  );
  return (
    <div class="col-6 col-md-3" data-attention={item.key}>
      {item.href ? (
        <a class={`card h-100 border-start border-4 ${tone} text-decoration-none`} href={item.href}>
          {body}
        </a>
      ) : (
        <div class={`card h-100 border-start border-4 ${tone}`}>{body}</div>
      )}
    </div>
  );
}

function Group({ group, ctx, d }: { group: HomeGroup; ctx: PageContext; d: Display }): JSX.Element {
  return (
    <section class="card" id={`app-${group.app}`}>
      <div class="card-header">
        <h3 class="h6 mb-0" safe>{group.label}</h3>
      </div>
      <table class="table table-sm mb-0 align-middle">
        <tbody>
          {group.resources.map(({ resource, canAdd }) => {
            const label = text(resource.labelPlural, d.language);
            return (
              <tr>
                <th scope="row" class="fw-normal text-break">
                  <a href={resourceUrl(resource, d.prefix)} safe>
                    {label}
                  </a>
                </th>
                <td class="text-end text-nowrap">
                  {canAdd ? (
                    <a class="small px-1" href={`${resourceUrl(resource, d.prefix)}add`} title={`${label}: ${ctx.t('admin.add')}`} aria-label={`${label}: ${ctx.t('admin.add')}`}>
                      <i class="bi bi-plus-lg"></i>
                    </a>
                  ) : (
                    ''
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function Recent({ ctx, d, recent }: { ctx: PageContext; d: Display; recent: RecentEntry[] }): JSX.Element {
  return (
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
            <li class="list-group-item text-break">
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
  );
}

/**
 * The admin's start page: what needs attention (numbers linking to the filtered lists), every visible model
 * grouped by app — the business apps first — and the user's recent changes.
 */
export function IndexView({ ctx, d, sections, attention, recent }: { ctx: PageContext; d: Display; sections: HomeSectionView[]; attention: AttentionView[]; recent: RecentEntry[] }): JSX.Element {
  return (
    <>
      {attention.length ? (
        <section class="mb-4" id="admin-attention" aria-labelledby="admin-attention-title">
          <h2 class="h6 text-uppercase text-muted" id="admin-attention-title" safe>
            {ctx.t('admin.attention')}
          </h2>
          <div class="row g-2">
            {attention.map((item) => (
              <AttentionTile item={item} ctx={ctx} />
            ))}
          </div>
        </section>
      ) : (
        ''
      )}
      <div class="row g-4">
        <div class="col-lg-8">
          {sections.map((section) => (
            <section class="mb-4" data-admin-section={section.key}>
              {section.label ? (
                <h2 class="h6 text-uppercase text-muted" safe>
                  {section.label}
                </h2>
              ) : (
                ''
              )}
              <div class="admin-groups">
                {section.groups.map((group) => (
                  <Group group={group} ctx={ctx} d={d} />
                ))}
              </div>
            </section>
          ))}
        </div>
        <div class="col-lg-4">
          <Recent ctx={ctx} d={d} recent={recent} />
        </div>
      </div>
    </>
  );
}
