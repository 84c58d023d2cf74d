import type { Children } from '@kitajs/html';
import { EmptyState } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { Viewer } from '../access.js';
import { DashboardLayout } from './shell.js';

/** Shown instead of a page's content when the viewer has no Employee row or no contract yet (never an error, D10). */
export function NoEmploymentState({ ctx, viewer }: { ctx: PageContext; viewer: Viewer }): JSX.Element {
  const kind = viewer.employeeId ? 'no_contracts' : 'no_employee';
  return (
    <div class="card" id="os-empty-state">
      <div class="card-body p-5 text-center">
        <i class="bi bi-person-badge display-5 text-secondary d-block mb-3"></i>
        <h2 class="h4" safe>{ctx.t(`os.empty.${kind}.title`)}</h2>
        <p class="text-muted mb-3 mx-auto os-narrow" safe>{ctx.t(`os.empty.${kind}.text`, { code: viewer.user.userCode })}</p>
        <code class="fs-4 user-code" safe>{viewer.user.userCode}</code>
      </div>
    </div>
  );
}

/** A success or error banner as the original's role pages showed them. */
export function Banner({ kind, text }: { kind: 'success' | 'danger' | 'warning' | 'info'; text: string }): JSX.Element {
  return (
    <div class={`alert alert-${kind}`} role={kind === 'danger' ? 'alert' : 'status'}>
      <span safe>{text}</span>
    </div>
  );
}

/** A card with a heading: one per customer on the list pages, or a titled box on detail pages. */
export function Section(props: { title: string; id?: string; class?: string; small?: boolean; children?: Children }): JSX.Element {
  return (
    <section class={`card mb-4 ${props.class ?? ''}`} id={props.id}>
      <div class="card-header bg-white">
        <h2 class={`${props.small ? 'h6' : 'h5'} mb-0`} safe>
          {props.title}
        </h2>
      </div>
      <div class="card-body">{props.children}</div>
    </section>
  );
}

/** A 403 inside the dashboard frame that says why (no employee record, no contract, or not this role). */
export function NoRolePage({ ctx, viewer, title }: { ctx: PageContext; viewer: Viewer; title: string }): JSX.Element {
  const noContracts = !viewer.contracts.some((c) => c.isActive);
  return (
    <DashboardLayout ctx={ctx} viewer={viewer} title={title}>
      <h1 class="h3 mb-4" safe>{title}</h1>
      {noContracts ? (
        <NoEmploymentState ctx={ctx} viewer={viewer} />
      ) : (
        <div class="card" id="os-no-role">
          <div class="card-body p-5 text-center">
            <i class="bi bi-shield-lock display-5 text-secondary d-block mb-3"></i>
            <p class="mb-0" safe>{ctx.t('os.empty.no_role_here')}</p>
          </div>
        </div>
      )}
    </DashboardLayout>
  );
}

export interface TableColumn {
  label: string;
  end?: boolean;
}

/** A responsive table with a header row; an empty state instead when there are no rows. */
export function Table(props: {
  class: string;
  columns: Array<string | TableColumn>;
  count: number;
  empty?: { text: string; icon: string };
  footer?: JSX.Element;
  children?: Children;
}): JSX.Element {
  if (props.count === 0 && props.empty) return <EmptyState text={props.empty.text} icon={props.empty.icon} />;
  const footer: JSX.Element = props.footer ?? <></>;
  return (
    <div class="table-responsive">
      <table class={`table align-middle ${props.class}`}>
        <thead>
          <tr>
            {props.columns.map((column) => {
              const c = typeof column === 'string' ? { label: column } : column;
              return (
                <th scope="col" class={c.end ? 'text-end' : undefined} safe>
                  {c.label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
        {footer}
      </table>
    </div>
  );
}
