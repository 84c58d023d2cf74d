import { CsrfField } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { Execution } from '../../nadooit_api_executions_system/services/booking.js';
import type { Viewer } from '../access.js';
import { formatDateTime, formatDuration, formatMoney } from '../../core/ui/format.js';
import { paths } from '../paths.js';
import { Banner } from './common.js';
import { DashboardLayout, PageHeader } from './shell.js';

export interface ComplaintFormProps {
  ctx: PageContext;
  execution: Execution;
  programName: string | null;
  timeZone: string;
  error?: string;
  text?: string;
}

function Summary({ ctx, execution, programName, timeZone }: ComplaintFormProps): JSX.Element {
  return (
    <dl class="row small mb-3 complaint-summary">
      <dt class="col-5" safe>{ctx.t('os.bookings.col.program')}</dt>
      <dd class="col-7" safe>{programName ?? '–'}</dd>
      <dt class="col-5" safe>{ctx.t('os.bookings.col.time')}</dt>
      <dd class="col-7" safe>{formatDuration(execution.time_saved_seconds)}</dd>
      <dt class="col-5" safe>{ctx.t('os.bookings.col.price')}</dt>
      <dd class="col-7" safe>{formatMoney(execution.price, ctx.language, execution.currency)}</dd>
      <dt class="col-5" safe>{ctx.t('os.bookings.col.created')}</dt>
      <dd class="col-7" safe>{formatDateTime(execution.created_at, timeZone, ctx.language)}</dd>
    </dl>
  );
}

function TextArea({ ctx, error, text }: { ctx: PageContext; error?: string; text?: string }): JSX.Element {
  return (
    <div class="mb-1">
      <label class="form-label" for="complainttext" safe>
        {ctx.t('os.complaint.text')}
      </label>
      <textarea class={`form-control${error ? ' is-invalid' : ''}`} id="complainttext" name="complainttext" rows="4" required safe>
        {text ?? ''}
      </textarea>
      {error ? <div class="invalid-feedback" safe>{error}</div> : ''}
    </div>
  );
}

/** The dialog's content; the form replaces it with the server's answer (success or error), in place. */
export function ComplaintModalContent(props: ComplaintFormProps): JSX.Element {
  const { ctx, execution } = props;
  const send = paths.sendComplaint(execution.id);
  return (
    <div class="modal-content" id="complaint-modal-content" data-os-form-answer="">
      <form method="post" action={send} hx-post={send} hx-target="#complaint-modal-content" hx-swap="outerHTML">
        <CsrfField ctx={ctx} />
        <div class="modal-header">
          <h2 class="modal-title h5" id="complaint-modal-title" safe>
            {ctx.t('os.complaint.title')}
          </h2>
          <button type="button" class="btn-close" data-bs-dismiss="modal" aria-label={ctx.t('os.complaint.cancel')}></button>
        </div>
        <div class="modal-body">
          <Summary {...props} />
          <TextArea ctx={ctx} error={props.error} text={props.text} />
        </div>
        <div class="modal-footer">
          <button type="button" class="btn btn-outline-secondary" data-bs-dismiss="modal" safe>
            {ctx.t('os.complaint.cancel')}
          </button>
          <SendButton ctx={ctx} />
        </div>
      </form>
    </div>
  );
}

function SendButton({ ctx }: { ctx: PageContext }): JSX.Element {
  return (
    <button type="submit" class="btn btn-danger" safe>
      {ctx.t('os.complaint.send')}
    </button>
  );
}

export function ComplaintModal(props: ComplaintFormProps): JSX.Element {
  return (
    <div class="modal fade" id="complaint-modal" tabindex="-1" aria-labelledby="complaint-modal-title" aria-hidden="true">
      <div class="modal-dialog">
        <ComplaintModalContent {...props} />
      </div>
    </div>
  );
}

export function ComplaintSentContent({ ctx }: { ctx: PageContext }): JSX.Element {
  return (
    <div class="modal-content" id="complaint-modal-content">
      <div class="modal-header">
        <h2 class="modal-title h5" safe>{ctx.t('os.complaint.title')}</h2>
        <button type="button" class="btn-close" data-bs-dismiss="modal" aria-label={ctx.t('os.complaint.cancel')}></button>
      </div>
      <div class="modal-body">
        <Banner kind="success" text={ctx.t('os.complaint.sent')} />
      </div>
      <div class="modal-footer">
        <button type="button" class="btn btn-primary" data-bs-dismiss="modal">
          OK
        </button>
      </div>
    </div>
  );
}

/** Without JavaScript the "Reklamieren" link opens this page with the same form. */
export function ComplaintPage(props: ComplaintFormProps & { viewer: Viewer }): JSX.Element {
  const { ctx, execution } = props;
  return (
    <DashboardLayout ctx={ctx} viewer={props.viewer} title={ctx.t('os.complaint.title')}>
      <PageHeader title={ctx.t('os.complaint.title')} />
      <div class="card os-narrow">
        <div class="card-body">
          <form method="post" action={paths.sendComplaint(execution.id)}>
            <CsrfField ctx={ctx} />
            <Summary {...props} />
            <TextArea ctx={ctx} error={props.error} text={props.text} />
            <div class="d-flex gap-2 mt-3">
              <a class="btn btn-outline-secondary" href={paths.bookings} safe>
                {ctx.t('os.complaint.cancel')}
              </a>
              <SendButton ctx={ctx} />
            </div>
          </form>
        </div>
      </div>
    </DashboardLayout>
  );
}
