import type { FieldErrors } from '../../core/ui/components.js';
import { CsrfField, DataTable, Field } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { KeyHistoryEntry } from '../services/audit.js';
import type { Credential } from '../services/credentials.js';
import { formatDateTime } from './format.js';
import { AuthPage, WebAuthnError, WebAuthnForm } from './layout.js';

export interface KeysPageProps {
  ctx: PageContext;
  keys: Credential[];
  /** Who made enrolment links and changed keys of this person (newest first). */
  history: KeyHistoryEntry[];
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

/** One history entry as a sentence: what happened to which key, by whom (when someone else did it), when. */
function historyText(ctx: PageContext, entry: KeyHistoryEntry, timeZone: string): string {
  const when = formatDateTime(entry.createdAt, ctx.language, timeZone);
  const params = { when, actor: entry.actorName ?? '', key: typeof entry.detail.name === 'string' ? entry.detail.name : '–' };
  const by = entry.actorName !== null;
  switch (entry.event) {
    case 'enrolment_link_created':
      return ctx.t(by ? 'auth.history.link_by' : 'auth.history.link', params);
    case 'key_added':
      if (entry.detail.via === 'enrolment link') return ctx.t(by ? 'auth.history.added_link_by' : 'auth.history.added_link', params);
      return ctx.t('auth.history.added', params);
    case 'key_removed':
      if (entry.detail.reset === true) return ctx.t(by ? 'auth.history.reset_by' : 'auth.history.reset', params);
      return ctx.t(by ? 'auth.history.removed_by' : 'auth.history.removed', params);
    case 'key_disabled':
      return ctx.t(by ? 'auth.history.disabled_by' : 'auth.history.disabled', params);
    case 'key_enabled':
      return ctx.t(by ? 'auth.history.enabled_by' : 'auth.history.enabled', params);
  }
}

/** The person's key history: every enrolment link made for them and every key added (issue 10), and more. */
export function KeyHistory({ ctx, history, timeZone }: { ctx: PageContext; history: KeyHistoryEntry[]; timeZone: string }): JSX.Element {
  const t = ctx.t;
  return (
    <div class="card shadow-sm mb-4">
      <div class="card-body">
        <h2 class="h5" safe>{t('auth.history.title')}</h2>
        <p class="text-muted small" safe>{t('auth.history.lead')}</p>
        {history.length ? (
          <ul class="list-group list-group-flush" id="key-history">
            {history.map((entry) => (
              <li class={`list-group-item px-0${entry.actorName ? ' fw-semibold' : ''}`} data-event={entry.event} safe>
                {historyText(ctx, entry, timeZone)}
              </li>
            ))}
          </ul>
        ) : (
          <p class="mb-0" id="key-history" safe>{t('auth.history.empty')}</p>
        )}
      </div>
    </div>
  );
}

export function KeysPage({ ctx, keys, history, timeZone, staff, errors, editing }: KeysPageProps): JSX.Element {
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
      <KeyHistory ctx={ctx} history={history} timeZone={timeZone} />
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
