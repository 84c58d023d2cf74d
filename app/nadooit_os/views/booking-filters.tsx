import type { Children } from '@kitajs/html';
import type { FieldErrors } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import { PAYMENT_STATUSES } from '../../nadooit_api_executions_system/models.js';
import type { BookingQuery } from '../booking-query.js';
import { paths } from '../paths.js';

export interface BookingFiltersProps {
  query: BookingQuery;
  /** The dates the inputs show: the free range, or the shortcut's days (empty for "last 20"). */
  dates: { from: string; to: string } | null;
  programs: Array<{ id: string; name: string }>;
  errors: FieldErrors;
}

function Control({ children, ...props }: { ctx: PageContext; name: string; label: string; errors: FieldErrors; class: string; children: Children }): JSX.Element {
  const messages = props.errors[props.name] ?? [];
  return (
    <div class={props.class}>
      <label class="form-label small mb-1" for={`filter-${props.name}`} safe>
        {props.label}
      </label>
      {children}
      {messages.map((m) => (
        <div class="invalid-feedback d-block" safe>{m}</div>
      ))}
    </div>
  );
}

const invalid = (errors: FieldErrors, name: string) => (errors[name]?.length ? ' is-invalid' : '');

function DateInput(props: { name: 'from' | 'to'; value: string | undefined; errors: FieldErrors }): JSX.Element {
  const { name } = props;
  return (
    <input
      class={`form-control form-control-sm${invalid(props.errors, name)}`}
      type="date"
      id={`filter-${name}`}
      name={name}
      value={props.value}
    />
  );
}

/**
 * Sent along with a block a shortcut reloaded: the days the date inputs should show. nadooit-os.js copies them
 * into the inputs after the swap (new date inputs made by a script would break the strict CSP in Chromium).
 */
export function FilterDatesOob({ dates }: { dates: { from: string; to: string } | null }): JSX.Element {
  return <span hidden data-filter-dates="" data-from={dates?.from ?? ''} data-to={dates?.to ?? ''}></span>;
}

/**
 * The bookings filter (a GET form, so every view is a link): a free date range, program, status and the
 * beginning of a booking id. The shortcuts (today … last 20) are the tabs of each customer's block.
 */
export function BookingFilters({ ctx, query, dates, programs, errors }: BookingFiltersProps & { ctx: PageContext }): JSX.Element {
  const t = ctx.t;
  return (
    <form class="card card-body mb-4 booking-filters" method="get" action={paths.bookings} id="booking-filters" role="search">
      {query.from ? '' : <input type="hidden" name="filter" value={query.filter} />}
      <div class="row g-2 align-items-end">
        <Control ctx={ctx} name="from" label={t('os.bookings.filter.from')} errors={errors} class="col-6 col-lg-2">
          <DateInput name="from" value={dates?.from} errors={errors} />
        </Control>
        <Control ctx={ctx} name="to" label={t('os.bookings.filter.to')} errors={errors} class="col-6 col-lg-2">
          <DateInput name="to" value={dates?.to} errors={errors} />
        </Control>
        <Control ctx={ctx} name="program" label={t('os.bookings.col.program')} errors={errors} class="col-12 col-sm-6 col-lg-3">
          <select class={`form-select form-select-sm${invalid(errors, 'program')}`} id="filter-program" name="program">
            <option value="" safe>{t('os.bookings.filter.all_programs')}</option>
            {programs.map((p) => (
              <option value={p.id} selected={p.id === query.programId} safe>
                {p.name}
              </option>
            ))}
          </select>
        </Control>
        <Control ctx={ctx} name="status" label={t('os.bookings.col.status')} errors={errors} class="col-6 col-sm-3 col-lg-2">
          <select class={`form-select form-select-sm${invalid(errors, 'status')}`} id="filter-status" name="status">
            <option value="" safe>{t('os.bookings.filter.all_statuses')}</option>
            {PAYMENT_STATUSES.map((s) => (
              <option value={s} selected={s === query.status} safe>
                {t(`os.status.${s}`)}
              </option>
            ))}
          </select>
        </Control>
        <Control ctx={ctx} name="q" label={t('os.bookings.filter.id')} errors={errors} class="col-6 col-sm-3 col-lg-2">
          <input
            class={`form-control form-control-sm font-monospace${invalid(errors, 'q')}`}
            type="search"
            id="filter-q"
            name="q"
            value={query.q ?? undefined}
            placeholder={t('os.bookings.filter.id_placeholder')}
            maxlength="36"
            autocomplete="off"
            spellcheck="false"
          />
        </Control>
        <div class="col-12 col-lg-1 d-flex gap-2">
          <button type="submit" class="btn btn-sm btn-primary flex-fill" safe>
            {t('os.bookings.filter.apply')}
          </button>
          <a class="btn btn-sm btn-outline-secondary flex-fill d-lg-none" href={paths.bookings} safe>
            {t('os.bookings.filter.reset')}
          </a>
        </div>
      </div>
    </form>
  );
}
