import type { Children } from '@kitajs/html';
import { assetUrl } from '../../core/ui/assets.js';
import { CsrfField } from '../../core/ui/components.js';
import { Layout } from '../../core/ui/layout.js';
import type { NavSource } from '../../core/ui/navigation.js';
import type { PageContext } from '../../core/ui/page-context.js';

/** The person's own security pages in the shared navigation's personal menu (core/ui/navigation.tsx). */
export const authNavigation: NavSource = {
  id: 'nadooit_auth',
  // Staff reach the admin from every page of the shell.
  entries: (request) => (request.user?.isStaff ? [{ href: '/admin/', label: request.t('auth.nav.admin'), order: 900 }] : []),
  personal: (request) => [
    { href: '/auth/keys', label: request.t('auth.nav.keys'), order: 20 },
    { href: '/auth/sessions', label: request.t('auth.nav.sessions'), order: 30 },
  ],
};

/** The WebAuthn browser library and the page glue (served from the project, CSP script-src 'self'). */
export function WebAuthnScripts(): JSX.Element {
  return (
    <>
      <script src={assetUrl('simplewebauthn/bundle/index.umd.min.js')} defer></script>
      <script src={assetUrl('auth/auth.js')} defer></script>
    </>
  );
}

export function AuthPage(props: { ctx: PageContext; title: string; webauthn?: boolean; nav?: JSX.Element; children?: Children }): JSX.Element {
  return (
    <Layout ctx={props.ctx} title={props.title} nav={props.nav}>
      {props.children}
      {props.webauthn ? <WebAuthnScripts /> : ''}
    </Layout>
  );
}

/** A narrow centred card, as on the login pages. */
export function AuthCard(props: { title: string; lead?: string; children?: Children }): JSX.Element {
  return (
    <div class="row justify-content-center">
      <div class="col-md-7 col-lg-5">
        <div class="card shadow-sm">
          <div class="card-body p-4">
            <h1 class="h4 mb-3" safe>
              {props.title}
            </h1>
            {props.lead ? <p class="text-muted" safe>{props.lead}</p> : ''}
            {props.children}
          </div>
        </div>
      </div>
    </div>
  );
}

/** Where auth.js writes WebAuthn errors (text only). */
export function WebAuthnError(): JSX.Element {
  return <div class="alert alert-danger d-none" role="alert" data-webauthn-error></div>;
}

export function NextField({ next }: { next?: string }): JSX.Element {
  return next ? <input type="hidden" name="next" value={next} /> : <></>;
}

export interface WebAuthnFormProps {
  ctx: PageContext;
  mode: 'authenticate' | 'register';
  optionsUrl: string;
  verifyUrl: string;
  /** Where the form posts without JavaScript (the login page refuses a code-only login there). */
  action?: string;
  id?: string;
  class?: string;
  children?: Children;
}

/** A form auth.js turns into a WebAuthn ceremony; the messages come from the page's language. */
export function WebAuthnForm(props: WebAuthnFormProps): JSX.Element {
  const { ctx } = props;
  return (
    <form
      method="post"
      action={props.action ?? ctx.path}
      id={props.id}
      class={props.class}
      data-webauthn={props.mode}
      data-options-url={props.optionsUrl}
      data-verify-url={props.verifyUrl}
      data-failed-message={ctx.t('auth.webauthn.failed')}
      data-cancelled-message={ctx.t('auth.webauthn.cancelled')}
      data-unsupported-message={ctx.t('auth.webauthn.unsupported')}
      data-address-message={ctx.t('auth.webauthn.insecure_address')}
    >
      <CsrfField ctx={ctx} />
      {props.children}
    </form>
  );
}
