import type { FieldErrors } from '../../core/ui/components.js';
import { CsrfField, DataTable, Field } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { Credential } from '../services/credentials.js';
import { formatDateTime } from './format.js';
import { AuthPage, WebAuthnError, WebAuthnForm } from './layout.js';

export interface KeysPageProps {
  ctx: PageContext;
  keys: Credential[];
  timeZone: string;
  /** Staff see their authenticator app and recovery codes. */
  staff?: { hasTotp: boolean; recoveryCodesLeft: number };
  errors?: FieldErrors;
  /** The key whose rename form had errors. */
  editing?: string;
}

export interface KeyControlProps {
  ctx: PageContext;
  credential: Credential;
  /** The URL prefix of this key's actions: /auth/keys/<id> or a key manager's /keys/people/<p>/keys/<id>. */
  base: string;
}

/** Disable/enable and delete buttons of one key (each only when allowed). */
export function KeyActions({ ctx, credential: key, base, canToggle = true, canDelete = true }: KeyControlProps & { canToggle?: boolean; canDelete?: boolean }): JSX.Element {
  const t = ctx.t;
  return (
    <div class="d-flex gap-2 justify-content-end flex-wrap">
      {canToggle ? (
        <form method="post" action={`${base}/${key.is_enabled ? 'disable' : 'enable'}`}>
          <CsrfField ctx={ctx} />
          <button type="submit" class="btn btn-sm btn-outline-secondary" safe>
            {key.is_enabled ? t('auth.keys.disable') : t('auth.keys.enable')}
          </button>
        </form>
      ) : (
        ''
      )}
      {canDelete ? (
        <form method="post" action={`${base}/delete`} data-confirm={t('auth.keys.delete_confirm')}>
          <CsrfField ctx={ctx} />
          <button type="submit" class="btn btn-sm btn-outline-danger" safe>
            {t('auth.keys.delete')}
          </button>
        </form>
      ) : (
        ''
      )}
    </div>
  );
}

/** The key's name as an inline rename form. */
export function KeyRenameForm({ ctx, credential: key, base, errors }: KeyControlProps & { errors?: FieldErrors }): JSX.Element {
  const messages = errors?.name ?? [];
  return (
    <form method="post" action={`${base}/rename`} class="d-flex gap-2 align-items-start">
      <CsrfField ctx={ctx} />
      <div class="flex-grow-1">
        <input
          class={`form-control form-control-sm${messages.length ? ' is-invalid' : ''}`}
          name="name"
          value={key.name}
          aria-label={ctx.t('auth.keys.name')}
          required
          maxlength="64"
        />
        {messages.map((m) => (
          <div class="invalid-feedback" safe>{m}</div>
        ))}
      </div>
      <button type="submit" class="btn btn-sm btn-outline-primary" title={ctx.t('auth.keys.rename')}>
        <i class="bi bi-pencil"></i>
      </button>
    </form>
  );
}

export function KeysPage({ ctx, keys, timeZone, staff, errors, editing }: KeysPageProps): JSX.Element {
  const t = ctx.t;
  return (
    <AuthPage ctx={ctx} title={t('auth.keys.title')} webauthn>
      <div class="d-flex justify-content-between align-items-center mb-3">
        <h1 class="h3 mb-0" safe>{t('auth.keys.title')}</h1>
      </div>
      <div class="card shadow-sm mb-4">
        <div class="card-body">
          <DataTable
            id="keys-table"
            rows={keys}
            empty={t('auth.keys.empty')}
            columns={[
              { header: t('auth.keys.name'), cell: (k) => <KeyRenameForm ctx={ctx} credential={k} base={`/auth/keys/${k.id}`} errors={editing === k.id ? errors : undefined} /> },
              { header: t('auth.keys.added'), cell: (k) => formatDateTime(k.created_at, ctx.language, timeZone) },
              { header: t('auth.keys.last_used'), cell: (k) => formatDateTime(k.last_used_at, ctx.language, timeZone) },
              {
                header: t('auth.keys.status'),
                cell: (k) =>
                  k.is_enabled ? (
                    <span class="badge text-bg-success" safe>{t('auth.keys.enabled')}</span>
                  ) : (
                    <span class="badge text-bg-secondary" safe>{t('auth.keys.disabled')}</span>
                  ),
              },
              { header: '', class: 'text-end', cell: (k) => <KeyActions ctx={ctx} credential={k} base={`/auth/keys/${k.id}`} /> },
            ]}
          />
        </div>
      </div>
      <div class="card shadow-sm mb-4">
        <div class="card-body">
          <h2 class="h5" safe>{t('auth.keys.add_title')}</h2>
          <p class="text-muted small" safe>{t('auth.keys.add_lead')}</p>
          <WebAuthnError />
          <WebAuthnForm ctx={ctx} mode="register" id="add-key-form" optionsUrl="/auth/keys/register/options" verifyUrl="/auth/keys/register/verify" class="row g-2 align-items-end">
            <div class="col-sm-8">
              <Field name="name" label={t('auth.keys.name')} help={t('auth.keys.name_help')} />
            </div>
            <div class="col-sm-4 mb-3">
              <button type="submit" class="btn btn-primary w-100">
                <i class="bi bi-plus-lg me-1"></i>
                <span safe>{t('auth.keys.add')}</span>
              </button>
            </div>
          </WebAuthnForm>
        </div>
      </div>
      {staff ? (
        <div class="card shadow-sm mb-4">
          <div class="card-body">
            <h2 class="h5" safe>{t('auth.keys.second_factor')}</h2>
            <p class="mb-2" safe>{staff.hasTotp ? t('auth.keys.totp_on') : t('auth.keys.totp_off')}</p>
            <p class="text-muted small" safe>{t('auth.keys.recovery_left', { count: staff.recoveryCodesLeft })}</p>
            <form method="post" action="/auth/keys/recovery-codes" data-confirm={t('auth.keys.recovery_confirm')}>
              <CsrfField ctx={ctx} />
              <button type="submit" class="btn btn-outline-secondary" safe>
                {t('auth.keys.recovery_regenerate')}
              </button>
            </form>
          </div>
        </div>
      ) : (
        ''
      )}
    </AuthPage>
  );
}
