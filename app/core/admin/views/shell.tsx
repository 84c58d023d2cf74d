import type { Children } from '@kitajs/html';
import { assetUrl } from '../../ui/assets.js';
import { Layout } from '../../ui/layout.js';
import type { PageContext } from '../../ui/page-context.js';

export interface Crumb {
  label: string;
  href?: string;
}

export interface AdminShellProps {
  ctx: PageContext;
  prefix: string;
  title: string;
  crumbs?: Crumb[];
  /** Where the logout form posts (the auth app's logout route). */
  logoutUrl?: string;
  children?: Children;
}

/** Every admin page: the site layout with the admin's navigation, breadcrumbs and its script. */
export function AdminShell({ ctx, prefix, title, crumbs = [], logoutUrl, children }: AdminShellProps): JSX.Element {
  const nav = (
    <>
      <li class="nav-item">
        <a class="nav-link" href={`${prefix}/`} safe>
          {ctx.t('admin.title')}
        </a>
      </li>
      <li class="nav-item">
        <a class="nav-link" href={`${prefix}/nadooit_admin/audit_log/`} safe>
          {ctx.t('admin.audit')}
        </a>
      </li>
      <li class="nav-item">
        <a class="nav-link" href="/" safe>
          {ctx.t('admin.view_site')}
        </a>
      </li>
    </>
  );
  return (
    <Layout ctx={ctx} title={`${title} · ${ctx.t('admin.title')}`} nav={nav} brandHref={`${prefix}/`}>
      <div class="d-flex justify-content-between align-items-center mb-2">
        <nav aria-label="breadcrumb">
          <ol class="breadcrumb mb-0">
            <li class="breadcrumb-item">
              <a href={`${prefix}/`} safe>
                {ctx.t('admin.home')}
              </a>
            </li>
            {crumbs.map((c) =>
              c.href ? (
                <li class="breadcrumb-item">
                  <a href={c.href} safe>
                    {c.label}
                  </a>
                </li>
              ) : (
                <li class="breadcrumb-item active" aria-current="page" safe>
                  {c.label}
                </li>
              ),
            )}
          </ol>
        </nav>
        {ctx.user ? (
          <form method="post" action={logoutUrl ?? '/auth/logout-user'} class="d-flex align-items-center gap-2 small">
            <span class="text-muted" safe>
              {ctx.user.displayName || ctx.user.userCode}
            </span>
            <input type="hidden" name="csrfmiddlewaretoken" value={ctx.csrfToken} />
            <button type="submit" class="btn btn-link btn-sm p-0" safe>
              {ctx.t('admin.logout')}
            </button>
          </form>
        ) : (
          ''
        )}
      </div>
      <h1 class="h3 mb-3" safe>
        {title}
      </h1>
      {children}
      <script src={assetUrl('admin/admin.js')} defer></script>
    </Layout>
  );
}
