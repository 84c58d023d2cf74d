import type { PageContext } from './page-context.js';
import type { Children } from '@kitajs/html';
import { assetUrl } from './assets.js';
import { NavigationMenus, PersonalMenu } from './navigation.js';

export interface LayoutProps {
  ctx: PageContext;
  title: string;
  /**
   * The navbar's menus for pages outside the signed-in shell (the website, the admin); without it a
   * signed-in person gets the one shared navigation (core/ui/navigation.tsx), a visitor a login link.
   */
  nav?: JSX.Element;
  brandHref?: string;
  children?: Children;
}

const HTMX_CONFIG = JSON.stringify({ includeIndicatorStyles: false, allowEval: false, allowScriptTags: false });

export function Layout({ ctx, title, nav, brandHref, children }: LayoutProps): JSX.Element {
  const shell = nav === undefined ? ctx.navigation : null;
  const menus: JSX.Element = nav ?? (shell ? <NavigationMenus ctx={ctx} navigation={shell} /> : <LoginLink ctx={ctx} />);
  const hxHeaders = JSON.stringify({ 'X-CSRFToken': ctx.csrfToken });
  return (
    <>
      {'<!doctype html>'}
      <html lang={ctx.language}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content={HTMX_CONFIG} />
          <meta name="csrf-token" content={ctx.csrfToken} />
          <title safe>{`${title} · NADOOIT`}</title>
          <link rel="icon" href={assetUrl('app/favicon.svg')} type="image/svg+xml" />
          <link rel="stylesheet" href={assetUrl('bootstrap/css/bootstrap.min.css')} />
          <link rel="stylesheet" href={assetUrl('bootstrap-icons/bootstrap-icons.min.css')} />
          <link rel="stylesheet" href={assetUrl('app/app.css')} />
          <script src={assetUrl('htmx/htmx.min.js')} defer></script>
          <script src={assetUrl('bootstrap/js/bootstrap.bundle.min.js')} defer></script>
          <script src={assetUrl('app/app.js')} defer></script>
        </head>
        <body hx-headers={hxHeaders}>
          <nav class="navbar navbar-expand-xl navbar-dark bg-nadooit mb-4">
            <div class="container-fluid px-xl-4">
              <a class="navbar-brand" href={brandHref ?? shell?.home ?? '/'}>
                NADOOIT
              </a>
              <button
                class="navbar-toggler"
                type="button"
                data-bs-toggle="collapse"
                data-bs-target="#main-nav"
                aria-controls="main-nav"
                aria-expanded="false"
                aria-label="Navigation"
              >
                <span class="navbar-toggler-icon"></span>
              </button>
              <div class="collapse navbar-collapse" id="main-nav">
                <ul class="navbar-nav me-auto">{menus}</ul>
                {shell ? <PersonalMenu ctx={ctx} navigation={shell} /> : ''}
                <LanguageSwitch ctx={ctx} />
              </div>
            </div>
          </nav>
          <main class="container">
            <Flashes ctx={ctx} />
            {children}
          </main>
          <footer class="container py-4 mt-4 border-top">NADOOIT · NADOO-IT</footer>
        </body>
      </html>
    </>
  );
}

function Flashes({ ctx }: { ctx: PageContext }): JSX.Element {
  return (
    <>
      {ctx.flashes.map((f) => (
        <div class={`alert alert-${f.kind} alert-dismissible fade show`} role="alert">
          <span safe>{f.text}</span>
          <button type="button" class="btn-close" data-bs-dismiss="alert" aria-label="Close"></button>
        </div>
      ))}
    </>
  );
}

function LoginLink({ ctx }: { ctx: PageContext }): JSX.Element {
  if (ctx.user || ctx.path.startsWith('/auth/')) return <></>;
  return (
    <li class="nav-item">
      <a class="nav-link" href={`/auth/login-user?next=${encodeURIComponent(ctx.path)}`} safe>
        {ctx.t('core.nav.login')}
      </a>
    </li>
  );
}

function LanguageSwitch({ ctx }: { ctx: PageContext }): JSX.Element {
  const other = ctx.language === 'de' ? 'en' : 'de';
  return (
    <a
      class="btn btn-sm btn-outline-light"
      href={`/language?set=${other}&next=${encodeURIComponent(ctx.path)}`}
      title={ctx.t('core.language')}
      hreflang={other}
      safe
    >
      {other.toUpperCase()}
    </a>
  );
}
