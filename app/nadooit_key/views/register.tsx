import type { FieldErrors } from '../../core/ui/components.js';
import { CsrfField, Field, FormErrors, Select } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import { AuthCard } from '../../nadooit_auth/views/layout.js';
import type { KeyAbilities } from '../services.js';
import { KeyPage } from './layout.js';

export interface RegisterPageProps {
  ctx: PageContext;
  abilities: KeyAbilities | null;
  /** The customers the manager reaches: the new person is employed at one of them. */
  customers: Array<{ id: string; name: string }>;
  /** Verified staff may register a person without a customer. */
  customerOptional: boolean;
  values?: Record<string, string>;
  errors?: FieldErrors;
}

export function RegisterPage(props: RegisterPageProps): JSX.Element {
  const { ctx, errors, values = {}, customers, customerOptional } = props;
  const t = ctx.t;
  const options = [...(customerOptional ? [{ value: '', label: t('key.register.without_customer') }] : []), ...customers.map((c) => ({ value: c.id, label: c.name }))];
  const chosen = values.customer ?? (!customerOptional && customers.length === 1 ? customers[0]!.id : '');
  return (
    <KeyPage ctx={ctx} abilities={props.abilities} title={t('key.register.title')}>
      <AuthCard title={t('key.register.title')} lead={t('key.register.lead')}>
        {options.length === 0 ? (
          <div class="alert alert-warning mb-0" role="alert" id="register-no-customer" safe>
            {t('key.register.no_customer')}
          </div>
        ) : (
          <>
            <FormErrors ctx={ctx} errors={errors} />
            <form method="post" action="/auth/register-user" novalidate>
              <CsrfField ctx={ctx} />
              <Field name="display_name" label={t('key.field.display_name')} value={values.display_name} errors={errors} required autofocus />
              <Field name="email" label={t('key.field.email')} type="email" value={values.email} errors={errors} />
              <Select name="customer" label={t('key.field.customer')} help={t('key.register.customer_help')} options={options} value={chosen} errors={errors} required={!customerOptional} />
              <button type="submit" class="btn btn-primary w-100" safe>
                {t('key.register.submit')}
              </button>
            </form>
          </>
        )}
      </AuthCard>
    </KeyPage>
  );
}

export interface EnrolmentLinkPageProps {
  ctx: PageContext;
  abilities: KeyAbilities | null;
  displayName: string;
  userCode: string;
  link: string;
  qrDataUrl: string;
  expires: string;
  isNew: boolean;
}

/** Shown once: the new code, and the link + QR code with which the person registers a key. */
export function EnrolmentLinkPage(props: EnrolmentLinkPageProps): JSX.Element {
  const { ctx } = props;
  const t = ctx.t;
  return (
    <KeyPage ctx={ctx} abilities={props.abilities} title={t('key.link.title')}>
      <AuthCard title={props.isNew ? t('key.link.created', { name: props.displayName }) : t('key.link.title')}>
        <p class="mb-1" safe>{t('key.link.code')}</p>
        <p class="font-monospace fs-3 fw-bold" id="new-user-code" safe>
          {props.userCode}
        </p>
        <p class="mb-1" safe>{t('key.link.lead')}</p>
        <div class="input-group mb-2">
          <input class="form-control font-monospace" id="enrolment-link" value={props.link} readonly aria-label={t('key.link.link')} />
          <button type="button" class="btn btn-outline-secondary" data-copy-target="#enrolment-link-text" data-copied-label={t('key.link.copied')} safe>
            {t('key.link.copy')}
          </button>
        </div>
        <span class="d-none" id="enrolment-link-text" safe>
          {props.link}
        </span>
        <div class="text-center my-3">
          <img src={props.qrDataUrl} alt={t('key.link.qr_alt')} width="240" height="240" class="border rounded" />
        </div>
        <p class="small text-muted" safe>{t('key.link.expires', { when: props.expires })}</p>
        <a class="btn btn-outline-primary w-100" href="/keys/people" safe>
          {t('key.nav.people')}
        </a>
      </AuthCard>
    </KeyPage>
  );
}
