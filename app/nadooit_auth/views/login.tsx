import type { FieldErrors } from '../../core/ui/components.js';
import { CsrfField, Field, FormErrors } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import { AuthCard, AuthPage, NextField, WebAuthnError, WebAuthnForm } from './layout.js';

export interface LoginPageProps {
  ctx: PageContext;
  next?: string;
  userCode?: string;
  errors?: FieldErrors;
  devLogin: boolean;
}

/** /auth/login-user: user code + security key, or the passkey quick login without the code. */
export function LoginPage({ ctx, next, userCode, errors, devLogin }: LoginPageProps): JSX.Element {
  const t = ctx.t;
  return (
    <AuthPage ctx={ctx} title={t('auth.login.title')} webauthn>
      <AuthCard title={t('auth.login.title')} lead={t('auth.login.lead')}>
        <FormErrors ctx={ctx} errors={errors} />
        <WebAuthnError />
        <WebAuthnForm ctx={ctx} mode="authenticate" id="login-form" action="/auth/login-user" optionsUrl="/auth/login-user/options" verifyUrl="/auth/login-user/verify">
          <NextField next={next} />
          <Field
            name="user_code"
            label={t('auth.login.user_code')}
            value={userCode}
            errors={errors}
            required
            autocomplete="username webauthn"
            autofocus
            help={t('auth.login.user_code_help')}
          />
          <button type="submit" class="btn btn-primary w-100">
            <i class="bi bi-usb-drive me-1"></i>
            <span safe>{t('auth.login.submit')}</span>
          </button>
        </WebAuthnForm>
        <div class="text-center text-muted my-3" safe>
          {t('auth.login.or')}
        </div>
        <WebAuthnForm ctx={ctx} mode="authenticate" id="passkey-form" action="/auth/login-user" optionsUrl="/auth/passkey/options" verifyUrl="/auth/passkey/verify">
          <NextField next={next} />
          <button type="submit" class="btn btn-outline-primary w-100">
            <i class="bi bi-fingerprint me-1"></i>
            <span safe>{t('auth.login.passkey')}</span>
          </button>
        </WebAuthnForm>
        {devLogin ? (
          <div class="alert alert-warning mt-3 mb-0 small" safe>
            {t('auth.login.dev_login')}
          </div>
        ) : (
          ''
        )}
        <hr />
        <p class="small text-muted mb-0">
          <span safe>{t('auth.login.staff_hint')}</span>{' '}
          <a href="/auth/staff-login" safe>
            {t('auth.login.staff_link')}
          </a>
        </p>
      </AuthCard>
    </AuthPage>
  );
}

export function LogoutPage({ ctx }: { ctx: PageContext }): JSX.Element {
  return (
    <AuthPage ctx={ctx} title={ctx.t('auth.logout.title')}>
      <AuthCard title={ctx.t('auth.logout.title')} lead={ctx.t('auth.logout.question')}>
        <form method="post" action="/auth/logout-user">
          <CsrfField ctx={ctx} />
          <button type="submit" class="btn btn-primary w-100" safe>
            {ctx.t('auth.nav.logout')}
          </button>
        </form>
      </AuthCard>
    </AuthPage>
  );
}
