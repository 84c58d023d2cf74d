import type { PageContext } from './page-context.js';
import { Layout } from './layout.js';

/**
 * `reason` says what was wrong with this request (shown under the status text); `detail` is the debug trace.
 * The page keeps the person's navigation and says where to go from here: their start page and the areas
 * they may open, or the login for a visitor.
 */
export function ErrorPage({ ctx, status, reason, detail }: { ctx: PageContext; status: number; reason?: string; detail?: string }): JSX.Element {
  const known = [400, 403, 404, 405, 413, 429, 500].includes(status) ? status : status >= 500 ? 500 : 400;
  const navigation = ctx.navigation;
  const areas = navigation ? uniqueAreas(navigation.entries) : [];
  return (
    <Layout ctx={ctx} title={ctx.t('core.error.title', { status })}>
      <div class="card" id="error-page" data-status={String(status)}>
        <div class="card-body p-4 p-md-5 text-center">
          <h1 class="display-6" safe>{ctx.t('core.error.title', { status })}</h1>
          <p class="lead" safe>{ctx.t(`core.error.${known}`)}</p>
          {reason ? <p class="text-danger" id="error-reason" safe>{reason}</p> : ''}
          {detail ? <pre class="text-start small bg-light p-3" safe>{detail}</pre> : ''}
          {navigation ? (
            <>
              <a class="btn btn-primary" href={navigation.home} safe>
                {ctx.t('core.error.home')}
              </a>
              {areas.length ? (
                <div class="mt-4" id="error-areas">
                  <p class="text-muted small mb-2" safe>{ctx.t('core.error.areas')}</p>
                  <div class="d-flex flex-wrap justify-content-center gap-2">
                    {areas.map((a) => (
                      <a class="btn btn-sm btn-outline-secondary" href={a.href} safe>
                        {a.label}
                      </a>
                    ))}
                  </div>
                </div>
              ) : (
                ''
              )}
            </>
          ) : status === 401 || status === 403 ? (
            <a class="btn btn-primary" href={`/auth/login-user?next=${encodeURIComponent(ctx.path)}`} safe>
              {ctx.t('core.nav.login')}
            </a>
          ) : (
            <a class="btn btn-primary" href="/" safe>
              {ctx.t('core.error.back')}
            </a>
          )}
        </div>
      </div>
    </Layout>
  );
}

/** One link per area (a dropdown's overview, or a single entry). */
function uniqueAreas(entries: NonNullable<PageContext['navigation']>['entries']): Array<{ href: string; label: string }> {
  const seen = new Map<string, { href: string; label: string }>();
  for (const e of entries) {
    const area = e.menu ? { href: e.menu.href, label: e.menu.label } : { href: e.href, label: e.label };
    if (!seen.has(area.href)) seen.set(area.href, area);
  }
  return [...seen.values()];
}
