import { CsrfField, Field, FormErrors } from '../../core/ui/components.js';
import type { FieldErrors } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { TopUpRequestStatus } from '../../nadooit_time_account/models.js';
import type { TopUpRequestListing } from '../../nadooit_time_account/top-up-requests.js';
import { formatDateTime, formatDuration } from '../../core/ui/format.js';
import { paths } from '../paths.js';
import { Section, Table } from './common.js';

const STATUS_CLASS: Record<TopUpRequestStatus, string> = {
  open: 'text-bg-warning',
  approved: 'text-bg-success',
  rejected: 'text-bg-danger',
};

/** What a refused or invalid "Aufladung anfragen" brings back to the form. */
export interface TopUpRequestFormState {
  errors?: FieldErrors;
  values?: Record<string, string>;
  /** A refusal of the service (permission, inactive account), shown at the top of the page. */
  error?: string;
}

/** "Aufladung anfragen" (time-account managers with can_create_time_accounts, active accounts only). */
export function TopUpRequestForm(props: { ctx: PageContext; timeAccountId: string; state?: TopUpRequestFormState }): JSX.Element {
  const { ctx, state } = props;
  const t = ctx.t;
  return (
    <section class="card mb-3" id="top-up-request">
      <div class="card-body">
        <h2 class="h6" safe>{t('os.ta.request.title')}</h2>
        <p class="small text-muted" safe>{t('os.ta.request.lead')}</p>
        <form method="post" action={paths.timeAccountTopUpRequest(props.timeAccountId)}>
          <CsrfField ctx={ctx} />
          <FormErrors ctx={ctx} errors={state?.errors} />
          <div class="row g-2">
            <div class="col-sm-6">
              <Field name="hours" label={t('os.ta.request.hours')} inputmode="decimal" value={state?.values?.hours} errors={state?.errors} />
            </div>
            <div class="col-sm-6">
              <Field name="seconds" label={t('os.ta.request.seconds')} inputmode="numeric" value={state?.values?.seconds} errors={state?.errors} />
            </div>
          </div>
          <Field name="note" label={t('os.ta.request.note')} value={state?.values?.note} errors={state?.errors} />
          <button type="submit" class="btn btn-primary" safe>
            {t('os.ta.request.submit')}
          </button>
        </form>
      </div>
    </section>
  );
}

/** The account's top-up requests, newest first, with status and staff's decision. */
export function TopUpRequestTable(props: { ctx: PageContext; requests: TopUpRequestListing[]; zone: string }): JSX.Element {
  const { ctx, zone } = props;
  const t = ctx.t;
  return (
    <Section title={t('os.ta.requests')} id="top-up-requests" small>
      <Table
        class="table-sm top-up-requests"
        columns={[t('os.ta.requests.col.date'), { label: t('os.ta.requests.col.amount'), end: true }, t('os.ta.requests.col.note'), t('os.ta.requests.col.by'), t('os.ta.requests.col.status'), t('os.ta.requests.col.decision')]}
        count={props.requests.length}
        empty={{ text: t('os.ta.requests.empty'), icon: 'send' }}
      >
        {props.requests.map((r) => (
          <tr data-request-id={r.id} data-status={r.status}>
            <td class="text-nowrap" safe>{formatDateTime(r.created_at, zone, ctx.language)}</td>
            <td class="text-end text-nowrap" safe>{formatDuration(r.seconds)}</td>
            <td safe>{r.note ?? ''}</td>
            <td safe>{r.requested_by_name ?? ''}</td>
            <td>
              <span class={`badge ${STATUS_CLASS[r.status]} status-badge`} safe>
                {t(`os.ta.requests.status.${r.status}`)}
              </span>
            </td>
            <td class="small">
              {r.decided_at ? <span class="text-muted text-nowrap me-2" safe>{formatDateTime(r.decided_at, zone, ctx.language)}</span> : ''}
              <span safe>{r.decision_note ?? ''}</span>
            </td>
          </tr>
        ))}
      </Table>
    </Section>
  );
}

/** The overview's hint next to an account with open requests: "Aufladung angefragt: 10 h 00 min". */
export function OpenRequestBadge({ ctx, open }: { ctx: PageContext; open: { count: number; seconds: number } | undefined }): JSX.Element {
  if (!open) return <></>;
  return (
    <span class="badge text-bg-info ms-2 open-top-up-request" safe>
      {ctx.t('os.ta.requests.open_badge', { amount: formatDuration(open.seconds) })}
    </span>
  );
}
