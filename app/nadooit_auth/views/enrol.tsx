import { Field } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import { AuthCard, AuthPage, WebAuthnError, WebAuthnForm } from './layout.js';

export interface EnrolPageProps {
  ctx: PageContext;
  token: string;
  displayName: string;
  userCode: string;
}

/** The one-time link a key manager hands to a new person: register a key, and be signed in. */
export function EnrolPage({ ctx, token, displayName, userCode }: EnrolPageProps): JSX.Element {
  const t = ctx.t;
  const base = `/auth/enrol/${encodeURIComponent(token)}`;
  return (
    <AuthPage ctx={ctx} title={t('auth.enrol.title')} webauthn>
      <AuthCard title={t('auth.enrol.title')}>
        <p safe>{t('auth.enrol.lead', { name: displayName })}</p>
        <p>
          <span safe>{t('auth.enrol.your_code')}</span>{' '}
          <strong class="font-monospace fs-4" id="enrol-user-code" safe>
            {userCode}
          </strong>
        </p>
        <p class="small text-muted" safe>{t('auth.enrol.code_hint')}</p>
        {ctx.user ? (
          <div class="alert alert-warning small" safe>
            {t('auth.enrol.signed_in_warning', { name: ctx.user.displayName })}
          </div>
        ) : (
          ''
        )}
        <WebAuthnError />
        <WebAuthnForm ctx={ctx} mode="register" id="enrol-form" optionsUrl={`${base}/options`} verifyUrl={`${base}/verify`}>
          <Field name="name" label={t('auth.keys.name')} help={t('auth.keys.name_help')} />
          <button type="submit" class="btn btn-primary w-100">
            <i class="bi bi-usb-drive me-1"></i>
            <span safe>{t('auth.enrol.submit')}</span>
          </button>
        </WebAuthnForm>
      </AuthCard>
    </AuthPage>
  );
}

export function InvalidLinkPage({ ctx, locked }: { ctx: PageContext; locked?: boolean }): JSX.Element {
  const t = ctx.t;
  return (
    <AuthPage ctx={ctx} title={t('auth.enrol.title')}>
      <AuthCard title={t('auth.enrol.title')}>
        <div class="alert alert-danger" role="alert" safe>
          {locked ? t('auth.locked') : t('auth.enrol.invalid')}
        </div>
        <a href="/auth/login-user" class="btn btn-outline-primary" safe>
          {t('auth.nav.login')}
        </a>
      </AuthCard>
    </AuthPage>
  );
}
