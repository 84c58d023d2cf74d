import type { FieldErrors } from '../../core/ui/components.js';
import { CsrfField, DataTable, Field, FormErrors } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { KeyAbilities, ManagerRow } from '../services.js';
import { KEY_ABILITIES } from '../services.js';
import { KeyPage } from './layout.js';

/** Checkboxes for the abilities; those the actor does not hold are shown but cannot be changed. */
function AbilityBoxes({ ctx, own, values, idPrefix }: { ctx: PageContext; own: KeyAbilities; values: Partial<KeyAbilities>; idPrefix: string }): JSX.Element {
  return (
    <div class="d-flex flex-wrap gap-3">
      {KEY_ABILITIES.map((ability) => (
        <div class="form-check">
          <input
            class="form-check-input"
            type="checkbox"
            name="abilities"
            value={ability}
            id={`${idPrefix}-${ability}`}
            checked={values[ability] === true}
            disabled={!own[ability]}
          />
          <label class="form-check-label" for={`${idPrefix}-${ability}`} safe>
            {ctx.t(`key.ability.${ability}`)}
          </label>
        </div>
      ))}
    </div>
  );
}

export interface ManagersPageProps {
  ctx: PageContext;
  abilities: KeyAbilities;
  managers: ManagerRow[];
  selfId: string;
  values?: { user_code?: string; abilities?: Partial<KeyAbilities> };
  errors?: FieldErrors;
}

export function ManagersPage({ ctx, abilities, managers, selfId, values = {}, errors }: ManagersPageProps): JSX.Element {
  const t = ctx.t;
  return (
    <KeyPage ctx={ctx} abilities={abilities} title={t('key.managers.title')}>
      <h1 class="h3 mb-3" safe>{t('key.managers.title')}</h1>
      <div class="card shadow-sm mb-4">
        <div class="card-body">
          <DataTable
            id="managers-table"
            rows={managers}
            empty={t('key.managers.empty')}
            columns={[
              {
                header: t('key.field.display_name'),
                cell: (m) => (
                  <>
                    <span safe>{m.display_name || m.user_code}</span> <span class="text-muted font-monospace small" safe>{m.user_code}</span>
                  </>
                ),
              },
              {
                header: t('key.managers.abilities'),
                cell: (m) =>
                  abilities.can_update_key_managers && m.user_id !== selfId ? (
                    <form method="post" action={`/keys/managers/${m.id}`} class="d-flex flex-wrap gap-2 align-items-center">
                      <CsrfField ctx={ctx} />
                      <AbilityBoxes ctx={ctx} own={abilities} values={m} idPrefix={m.id} />
                      <button type="submit" class="btn btn-sm btn-outline-primary" safe>
                        {t('key.managers.save')}
                      </button>
                    </form>
                  ) : (
                    <span class="small" safe>
                      {KEY_ABILITIES.filter((a) => m[a])
                        .map((a) => t(`key.ability.${a}`))
                        .join(', ') || '–'}
                    </span>
                  ),
              },
              {
                header: '',
                class: 'text-end',
                cell: (m) =>
                  abilities.can_delete_key_managers && m.user_id !== selfId ? (
                    <form method="post" action={`/keys/managers/${m.id}/delete`} data-confirm={t('key.managers.remove_confirm')}>
                      <CsrfField ctx={ctx} />
                      <button type="submit" class="btn btn-sm btn-outline-danger" safe>
                        {t('key.managers.remove')}
                      </button>
                    </form>
                  ) : (
                    ''
                  ),
              },
            ]}
          />
        </div>
      </div>
      {abilities.can_create_key_managers ? (
        <div class="card shadow-sm">
          <div class="card-body">
            <h2 class="h5" safe>{t('key.managers.appoint_title')}</h2>
            <FormErrors ctx={ctx} errors={errors} />
            <form method="post" action="/keys/managers" novalidate>
              <CsrfField ctx={ctx} />
              <Field name="user_code" label={t('key.field.user_code')} value={values.user_code} errors={errors} required />
              <div class="mb-3">
                <AbilityBoxes ctx={ctx} own={abilities} values={values.abilities ?? {}} idPrefix="new" />
              </div>
              <button type="submit" class="btn btn-primary" safe>
                {t('key.managers.appoint')}
              </button>
            </form>
          </div>
        </div>
      ) : (
        ''
      )}
    </KeyPage>
  );
}
