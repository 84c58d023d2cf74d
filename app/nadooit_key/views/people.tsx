import type { FieldErrors } from '../../core/ui/components.js';
import { CsrfField, DataTable, Field } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { Credential } from '../../nadooit_auth/services/credentials.js';
import type { User } from '../../nadooit_auth/services/users.js';
import { formatDateTime } from '../../nadooit_auth/views/format.js';
import { KeyActions, KeyRenameForm } from '../../nadooit_auth/views/keys.js';
import type { PersonRow } from '../../nadooit_auth/services/people.js';
import type { KeyAbilities } from '../services.js';
import { KeyPage } from './layout.js';

export interface PeoplePageProps {
  ctx: PageContext;
  abilities: KeyAbilities;
  people: PersonRow[];
  /** The names of the customers whose people the manager reaches; null for verified staff (everyone). */
  reach: string[] | null;
  search: string;
  timeZone: string;
}

export function PeoplePage(props: PeoplePageProps): JSX.Element {
  const { ctx, abilities } = props;
  const t = ctx.t;
  return (
    <KeyPage ctx={ctx} abilities={abilities} title={t('key.people.title')}>
      <div class="d-flex justify-content-between align-items-center mb-3 flex-wrap gap-2">
        <h1 class="h3 mb-0" safe>{t('key.people.title')}</h1>
        {abilities.can_create_keys ? (
          <a class="btn btn-primary" href="/auth/register-user" safe>
            {t('key.nav.register')}
          </a>
        ) : (
          ''
        )}
      </div>
      <p class="text-muted" id="people-reach" safe>
        {props.reach === null
          ? t('key.people.reach_everyone')
          : props.reach.length
            ? t('key.people.reach', { customers: props.reach.join(', ') })
            : t('key.people.reach_none')}
      </p>
      <form method="get" action="/keys/people" class="row g-2 mb-3" role="search">
        <div class="col-sm-8">
          <input class="form-control" type="search" name="q" value={props.search} placeholder={t('key.people.search')} aria-label={t('key.people.search')} />
        </div>
        <div class="col-sm-4">
          <button class="btn btn-outline-secondary w-100" type="submit" safe>
            {t('key.people.search_submit')}
          </button>
        </div>
      </form>
      <div class="card shadow-sm">
        <div class="card-body">
          <DataTable
            id="people-table"
            rows={props.people}
            empty={t('key.people.empty')}
            columns={[
              { header: t('key.field.user_code'), cell: (p) => <span class="font-monospace" safe>{p.user_code}</span> },
              { header: t('key.field.display_name'), cell: (p) => <a href={`/keys/people/${p.id}`} safe>{p.display_name || p.user_code}</a> },
              { header: t('key.people.keys'), cell: (p) => String(p.keys) },
              { header: t('key.people.last_login'), cell: (p) => formatDateTime(p.last_login, ctx.language, props.timeZone) },
            ]}
          />
        </div>
      </div>
    </KeyPage>
  );
}

export interface PersonPageProps {
  ctx: PageContext;
  abilities: KeyAbilities;
  person: User;
  keys: Credential[];
  /** A link may be made: the person has no key yet, or the actor is verified staff. */
  mayLink: boolean;
  timeZone: string;
  errors?: FieldErrors;
}

export function PersonPage({ ctx, abilities, person, keys, mayLink, timeZone, errors }: PersonPageProps): JSX.Element {
  const t = ctx.t;
  const base = `/keys/people/${person.id}`;
  return (
    <KeyPage ctx={ctx} abilities={abilities} title={person.display_name || person.user_code}>
      <h1 class="h3" safe>{person.display_name || person.user_code}</h1>
      <p class="text-muted">
        <span safe>{t('key.field.user_code')}</span>: <span class="font-monospace" safe>{person.user_code}</span>
      </p>
      {abilities.can_update_keys ? (
        <div class="card shadow-sm mb-4">
          <div class="card-body">
            <form method="post" action={`${base}/rename`} class="row g-2 align-items-end" novalidate>
              <CsrfField ctx={ctx} />
              <div class="col-sm-8">
                <Field name="display_name" label={t('key.field.display_name')} value={person.display_name} errors={errors} required />
              </div>
              <div class="col-sm-4 mb-3">
                <button type="submit" class="btn btn-outline-primary w-100" safe>
                  {t('key.person.rename')}
                </button>
              </div>
            </form>
          </div>
        </div>
      ) : (
        ''
      )}
      <div class="card shadow-sm mb-4">
        <div class="card-body">
          <h2 class="h5" safe>{t('auth.nav.keys')}</h2>
          <DataTable
            id="person-keys"
            rows={keys}
            empty={t('auth.keys.empty')}
            columns={[
              {
                header: t('auth.keys.name'),
                cell: (k) =>
                  abilities.can_update_keys ? <KeyRenameForm ctx={ctx} credential={k} base={`${base}/keys/${k.id}`} /> : <span safe>{k.name}</span>,
              },
              { header: t('auth.keys.added'), cell: (k) => formatDateTime(k.created_at, ctx.language, timeZone) },
              { header: t('auth.keys.last_used'), cell: (k) => formatDateTime(k.last_used_at, ctx.language, timeZone) },
              { header: t('auth.keys.status'), cell: (k) => <span safe>{k.is_enabled ? t('auth.keys.enabled') : t('auth.keys.disabled')}</span> },
              {
                header: '',
                class: 'text-end',
                cell: (k) => (
                  <KeyActions
                    ctx={ctx}
                    credential={k}
                    base={`${base}/keys/${k.id}`}
                    canToggle={k.is_enabled ? abilities.can_delete_keys : abilities.can_update_keys}
                    canDelete={abilities.can_delete_keys}
                  />
                ),
              },
            ]}
          />
          {abilities.can_update_keys && !mayLink ? (
            <p class="text-muted small mt-3 mb-0" id="person-has-key" safe>
              {t('key.person.has_key', { name: person.display_name || person.user_code })}
            </p>
          ) : (
            ''
          )}
          <div class="d-flex gap-2 flex-wrap mt-3">
            {abilities.can_update_keys && mayLink ? (
              <form method="post" action={`${base}/enrolment-link`}>
                <CsrfField ctx={ctx} />
                <button type="submit" class="btn btn-primary" safe>
                  {t('key.person.new_link')}
                </button>
              </form>
            ) : (
              ''
            )}
            {abilities.can_delete_keys ? (
              <form method="post" action={`${base}/reset`} data-confirm={t('key.person.reset_confirm')}>
                <CsrfField ctx={ctx} />
                <button type="submit" class="btn btn-outline-danger" safe>
                  {t('key.person.reset')}
                </button>
              </form>
            ) : (
              ''
            )}
          </div>
        </div>
      </div>
    </KeyPage>
  );
}
