import type { FieldErrors } from '../../core/ui/components.js';
import { CsrfField, Field, FormErrors } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import { AuthCard, AuthPage, NextField, WebAuthnError, WebAuthnForm } from './layout.js';

export function StaffLoginPage(props: { ctx: PageContext; next?: string; username?: string; errors?: FieldErrors }): JSX.Element {
  const { ctx, errors } = props;
  const t = ctx.t;
  return (
    <AuthPage ctx={ctx} title={t('auth.staff.title')}>
      <AuthCard title={t('auth.staff.title')} lead={t('auth.staff.lead')}>
        <FormErrors ctx={ctx} errors={errors} />
        <form method="post" action="/auth/staff-login" novalidate>
          <CsrfField ctx={ctx} />
          <NextField next={props.next} />
          <Field name="username" label={t('auth.staff.username')} value={props.username} errors={errors} required autocomplete="username" autofocus />
          <Field name="password" label={t('auth.staff.password')} type="password" errors={errors} required autocomplete="current-password" />
          <button type="submit" class="btn btn-primary w-100" safe>
            {t('auth.staff.submit')}
          </button>
        </form>
      </AuthCard>
    </AuthPage>
  );
}

export interface SecondFactorPageProps {
  ctx: PageContext;
  hasTotp: boolean;
  hasKeys: boolean;
  errors?: FieldErrors;
}

/** Step two of the staff login: authenticator code, security key or a recovery code. */
export function SecondFactorPage({ ctx, hasTotp, hasKeys, errors }: SecondFactorPageProps): JSX.Element {
  const t = ctx.t;
  return (
    <AuthPage ctx={ctx} title={t('auth.second.title')} webauthn={hasKeys}>
      <AuthCard title={t('auth.second.title')} lead={t('auth.second.lead')}>
        <FormErrors ctx={ctx} errors={errors} />
        {hasTotp ? (
          <form method="post" action="/auth/staff-login/verify" novalidate>
            <CsrfField ctx={ctx} />
            <Field name="code" label={t('auth.second.code')} errors={errors} inputmode="numeric" autocomplete="one-time-code" autofocus required />
            <button type="submit" class="btn btn-primary w-100" safe>
              {t('auth.second.submit')}
            </button>
          </form>
        ) : (
          ''
        )}
        {hasKeys ? (
          <div class="mt-3">
            <WebAuthnError />
            <WebAuthnForm ctx={ctx} mode="authenticate" optionsUrl="/auth/staff-login/key/options" verifyUrl="/auth/staff-login/key/verify">
              <button type="submit" class="btn btn-outline-primary w-100">
                <i class="bi bi-usb-drive me-1"></i>
                <span safe>{t('auth.second.use_key')}</span>
              </button>
            </WebAuthnForm>
          </div>
        ) : (
          ''
        )}
        <details class="mt-4">
          <summary safe>{t('auth.second.recovery')}</summary>
          <form method="post" action="/auth/staff-login/verify" class="mt-2" novalidate>
            <CsrfField ctx={ctx} />
            <Field name="recovery_code" label={t('auth.second.recovery_code')} errors={errors} autocomplete="off" />
            <button type="submit" class="btn btn-outline-secondary w-100" safe>
              {t('auth.second.recovery_submit')}
            </button>
          </form>
        </details>
      </AuthCard>
    </AuthPage>
  );
}

export interface TotpEnrolPageProps {
  ctx: PageContext;
  qrDataUrl: string;
  secret: string;
  errors?: FieldErrors;
  /** The staff login offers a security key as the alternative second factor. */
  keyAlternative?: { optionsUrl: string; verifyUrl: string };
  action: string;
}

export function TotpEnrolPage({ ctx, qrDataUrl, secret, errors, keyAlternative, action }: TotpEnrolPageProps): JSX.Element {
  const t = ctx.t;
  return (
    <AuthPage ctx={ctx} title={t('auth.totp.title')} webauthn={Boolean(keyAlternative)}>
      <AuthCard title={t('auth.totp.title')} lead={t('auth.totp.lead')}>
        <FormErrors ctx={ctx} errors={errors} />
        <ol class="small">
          <li safe>{t('auth.totp.step_scan')}</li>
          <li safe>{t('auth.totp.step_code')}</li>
        </ol>
        <div class="text-center mb-3">
          <img src={qrDataUrl} alt={t('auth.totp.qr_alt')} width="240" height="240" class="border rounded" id="totp-qr" />
        </div>
        <p class="small text-muted mb-1" safe>
          {t('auth.totp.manual')}
        </p>
        <p>
          <code id="totp-secret" safe>
            {secret}
          </code>
        </p>
        <form method="post" action={action} novalidate>
          <CsrfField ctx={ctx} />
          <Field name="code" label={t('auth.second.code')} errors={errors} inputmode="numeric" autocomplete="one-time-code" autofocus required />
          <button type="submit" class="btn btn-primary w-100" safe>
            {t('auth.totp.confirm')}
          </button>
        </form>
        {keyAlternative ? (
          <div class="mt-4">
            <p class="small text-muted" safe>
              {t('auth.totp.key_instead')}
            </p>
            <WebAuthnError />
            <WebAuthnForm ctx={ctx} mode="register" optionsUrl={keyAlternative.optionsUrl} verifyUrl={keyAlternative.verifyUrl}>
              <button type="submit" class="btn btn-outline-primary w-100">
                <i class="bi bi-usb-drive me-1"></i>
                <span safe>{t('auth.totp.register_key')}</span>
              </button>
            </WebAuthnForm>
          </div>
        ) : (
          ''
        )}
      </AuthCard>
    </AuthPage>
  );
}

export function RecoveryCodesPage({ ctx, codes, next }: { ctx: PageContext; codes: string[]; next: string }): JSX.Element {
  const t = ctx.t;
  return (
    <AuthPage ctx={ctx} title={t('auth.recovery.title')}>
      <AuthCard title={t('auth.recovery.title')} lead={t('auth.recovery.lead')}>
        <ul class="list-unstyled font-monospace fs-5" id="recovery-codes">
          {codes.map((code) => (
            <li safe>{code}</li>
          ))}
        </ul>
        <button type="button" class="btn btn-sm btn-outline-secondary mb-3" data-copy-target="#recovery-codes" data-copied-label={t('auth.recovery.copied')} safe>
          {t('auth.recovery.copy')}
        </button>
        <a class="btn btn-primary w-100" href={next} safe>
          {t('auth.recovery.done')}
        </a>
      </AuthCard>
    </AuthPage>
  );
}

export interface SetupPageProps {
  ctx: PageContext;
  token?: string;
  values?: Record<string, string>;
  errors?: FieldErrors;
}

/** First run: creates the first administrator (password now, second factor on the next page). */
export function SetupPage({ ctx, token, values = {}, errors }: SetupPageProps): JSX.Element {
  const t = ctx.t;
  return (
    <AuthPage ctx={ctx} title={t('auth.setup.title')}>
      <AuthCard title={t('auth.setup.title')} lead={t('auth.setup.lead')}>
        <FormErrors ctx={ctx} errors={errors} />
        <form method="post" action="/auth/setup" novalidate>
          <CsrfField ctx={ctx} />
          {token ? <input type="hidden" name="token" value={token} /> : ''}
          <Field name="username" label={t('auth.staff.username')} value={values.username} errors={errors} required autocomplete="username" autofocus />
          <Field name="display_name" label={t('auth.field.display_name')} value={values.display_name} errors={errors} required />
          <Field name="email" label={t('auth.field.email')} type="email" value={values.email} errors={errors} autocomplete="email" />
          <Field name="password" label={t('auth.staff.password')} type="password" errors={errors} required autocomplete="new-password" help={t('auth.password.help')} />
          <Field name="password_confirm" label={t('auth.setup.password_confirm')} type="password" errors={errors} required autocomplete="new-password" />
          <button type="submit" class="btn btn-primary w-100" safe>
            {t('auth.setup.submit')}
          </button>
        </form>
      </AuthCard>
    </AuthPage>
  );
}
