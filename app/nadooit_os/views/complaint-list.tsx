import { shortId } from '../../core/ids.js';
import { CsrfField, EmptyState } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { Complaint, ComplaintDetails } from '../../nadoo_complaint_management/services.js';
import type { Customer } from '../../nadooit_crm/services.js';
import type { Viewer } from '../access.js';
import { formatDateTime, formatDuration, formatMoney } from '../../core/ui/format.js';
import { paths } from '../paths.js';
import { Section } from './common.js';
import { DashboardLayout, PageHeader } from './shell.js';

const STATUS_BADGE: Record<Complaint['status'], string> = {
  OPEN: 'text-bg-warning',
  IN_PROGRESS: 'text-bg-info',
  ACCEPTED: 'text-bg-success',
  REJECTED: 'text-bg-secondary',
};

export function ComplaintStatusBadge({ ctx, status }: { ctx: PageContext; status: Complaint['status'] }): JSX.Element {
  return (
    <span class={`badge ${STATUS_BADGE[status]}`} data-status={status} safe>
      {ctx.t(`os.complaint.status.${status}`)}
    </span>
  );
}

export interface ComplaintGroup {
  customer: Customer;
  timeZone: string;
  complaints: Complaint[];
}

/** Every complaint of the customers where the viewer manages executions, newest first, per customer. */
export function ComplaintListPage({ ctx, viewer, groups }: { ctx: PageContext; viewer: Viewer; groups: ComplaintGroup[] }): JSX.Element {
  const t = ctx.t;
  return (
    <DashboardLayout ctx={ctx} viewer={viewer} title={t('os.complaints.title')}>
      <PageHeader title={t('os.complaints.title')} lead={t('os.complaints.lead')} />
      {groups.map((group) => (
        <Section title={group.customer.name} id={`complaints-${group.customer.id}`}>
          {group.complaints.length === 0 ? (
            <EmptyState text={t('os.complaints.empty')} icon="chat-square-text" />
          ) : (
            <ul class="list-group list-group-flush complaint-list">
              {group.complaints.map((c) => (
                <li class="list-group-item px-0" id={`complaint-${c.id}`}>
                  <div class="d-flex flex-wrap justify-content-between gap-2">
                    <a class="fw-semibold" href={paths.complaint(c.id)} safe>
                      {t('os.complaints.booking', { id: c.execution_id ? shortId(c.execution_id) : '–' })}
                    </a>
                    <ComplaintStatusBadge ctx={ctx} status={c.status} />
                  </div>
                  <p class="mb-1 text-break" safe>{c.text}</p>
                  <small class="text-muted" safe>{formatDateTime(c.created_at, group.timeZone, ctx.language)}</small>
                </li>
              ))}
            </ul>
          )}
        </Section>
      ))}
    </DashboardLayout>
  );
}

export interface ComplaintDetailProps {
  ctx: PageContext;
  viewer: Viewer;
  details: ComplaintDetails;
  programName: string | null;
  timeZone: string;
  error?: string;
  text?: string;
}

/** One complaint: its booking, the decisions and comments in order, and the manager's comment form. */
export function ComplaintDetailPage(props: ComplaintDetailProps): JSX.Element {
  const { ctx, details, timeZone } = props;
  const t = ctx.t;
  const { complaint, execution } = details;
  return (
    <DashboardLayout ctx={ctx} viewer={props.viewer} title={t('os.complaints.detail')}>
      <PageHeader title={t('os.complaints.detail')} actions={<a class="btn btn-outline-secondary" href={paths.complaints} safe>{t('os.complaints.back')}</a>} />
      <div class="row g-4">
        <div class="col-lg-5">
          <Section title={t('os.complaints.about')} small>
            <div class="mb-2">
              <ComplaintStatusBadge ctx={ctx} status={complaint.status} />
            </div>
            <p class="text-break" id="complaint-text" safe>{complaint.text}</p>
            <p class="small text-muted" safe>
              {t('os.complaints.filed', { name: details.authorName ?? '–', at: formatDateTime(complaint.created_at, timeZone, ctx.language) })}
            </p>
            {execution ? (
              <dl class="row small mb-0" id="complaint-booking">
                <dt class="col-5" safe>{t('os.bookings.col.id')}</dt>
                <dd class="col-7 font-monospace" safe>{shortId(execution.id)}</dd>
                <dt class="col-5" safe>{t('os.bookings.col.program')}</dt>
                <dd class="col-7" safe>{props.programName ?? '–'}</dd>
                <dt class="col-5" safe>{t('os.bookings.col.time')}</dt>
                <dd class="col-7" safe>{formatDuration(execution.time_saved_seconds)}</dd>
                <dt class="col-5" safe>{t('os.bookings.col.price')}</dt>
                <dd class="col-7" safe>{formatMoney(execution.price, ctx.language, execution.currency)}</dd>
                <dt class="col-5" safe>{t('os.bookings.col.created')}</dt>
                <dd class="col-7" safe>{formatDateTime(execution.created_at, timeZone, ctx.language)}</dd>
                <dt class="col-5" safe>{t('os.bookings.col.status')}</dt>
                <dd class="col-7" safe>{t(`os.status.${execution.payment_status}`)}</dd>
              </dl>
            ) : (
              ''
            )}
          </Section>
        </div>
        <div class="col-lg-7">
          <Section title={t('os.complaints.history')} small>
            <ol class="list-unstyled complaint-history mb-4" id="complaint-history">
              {details.history.map((entry) => (
                <li class={`border-start border-3 ps-3 pb-3 ${entry.kind === 'status' ? 'border-primary' : 'border-secondary'}`} data-kind={entry.kind}>
                  <div class="small text-muted" safe>
                    {`${formatDateTime(entry.at, timeZone, ctx.language)} · ${entry.actorName ?? t('os.complaints.staff')}`}
                  </div>
                  {entry.kind === 'status' ? (
                    <div>
                      <span safe>{t('os.complaints.changed')}</span> <ComplaintStatusBadge ctx={ctx} status={entry.toStatus!} />
                    </div>
                  ) : (
                    ''
                  )}
                  {entry.text ? <p class="mb-0 text-break" safe>{entry.text}</p> : ''}
                </li>
              ))}
            </ol>
            <form method="post" action={paths.complaintComment(complaint.id)} id="complaint-comment-form" novalidate>
              <CsrfField ctx={ctx} />
              <label class="form-label" for="comment-text" safe>
                {t('os.complaints.comment')}
              </label>
              <textarea class={`form-control${props.error ? ' is-invalid' : ''}`} id="comment-text" name="text" rows="3" required safe>
                {props.text ?? ''}
              </textarea>
              {props.error ? <div class="invalid-feedback" safe>{props.error}</div> : ''}
              <button type="submit" class="btn btn-primary mt-2" safe>
                {t('os.complaints.comment.send')}
              </button>
            </form>
          </Section>
        </div>
      </div>
    </DashboardLayout>
  );
}
