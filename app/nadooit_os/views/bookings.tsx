import { shortId } from '../../core/ids.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { PaymentStatus } from '../../nadooit_api_executions_system/models.js';
import type { ExecutionListItem } from '../../nadooit_api_executions_system/services/queries.js';
import type { Viewer } from '../access.js';
import type { BookingBlock } from '../bookings.js';
import { TimeAndCostChart } from '../chart.js';
import { formatDate, formatDateTime, formatDuration, formatMoney } from '../../core/ui/format.js';
import { paths } from '../paths.js';
import { FILTERS, localDatesOf } from '../periods.js';
import { bookingQueryString, narrowed } from '../booking-query.js';
import type { BookingQuery } from '../booking-query.js';
import { BookingFilters } from './booking-filters.js';
import type { BookingFiltersProps } from './booking-filters.js';
import { EmptyState } from '../../core/ui/components.js';
import { DashboardLayout, PageHeader } from './shell.js';

const STATUS_CLASS: Record<PaymentStatus, string> = {
  NOT_PAID: 'text-bg-warning',
  PAID: 'text-bg-success',
  REFUNDED: 'text-bg-success',
  REVOKED: 'text-bg-danger',
};

export function StatusBadge({ ctx, status }: { ctx: PageContext; status: PaymentStatus }): JSX.Element {
  return (
    <span class={`badge ${STATUS_CLASS[status]} status-badge`} data-status={status} safe>
      {ctx.t(`os.status.${status}`)}
    </span>
  );
}

/** The original's "Reklamieren" rule, widened to settled bookings: only a booking that can still be cancelled. */
export function complainable(row: Pick<ExecutionListItem, 'payment_status' | 'in_complaint'>): boolean {
  return !row.in_complaint && (row.payment_status === 'NOT_PAID' || row.payment_status === 'PAID');
}

function ActionCell({ ctx, row }: { ctx: PageContext; row: ExecutionListItem }): JSX.Element {
  if (row.in_complaint) {
    return (
      <span class="badge text-bg-info complaint-pending" safe>
        {ctx.t('os.bookings.complaint_pending')}
      </span>
    );
  }
  if (!complainable(row)) return <></>;
  const url = paths.complaintModal(row.id);
  return (
    <a class="btn btn-sm btn-outline-danger complain-button" href={url} hx-get={url} hx-target="#os-modal-container" hx-swap="innerHTML" safe>
      {ctx.t('os.bookings.complain')}
    </a>
  );
}

/** One booking; `compact` (program profile) leaves out the program and the action. */
export function BookingRow({ ctx, row, timeZone, compact = false }: { ctx: PageContext; row: ExecutionListItem; timeZone: string; compact?: boolean }): JSX.Element {
  return (
    <tr id={`execution-${row.id}`} data-execution-id={row.id}>
      <td class="text-muted small font-monospace" title={row.id} safe>
        {shortId(row.id)}
      </td>
      {compact ? '' : <td safe>{row.program_name ?? '–'}</td>}
      <td class="text-nowrap" safe>{formatDuration(row.time_saved_seconds)}</td>
      <td class="text-end text-nowrap" safe>{formatMoney(row.price, ctx.language, row.currency)}</td>
      <td class="text-nowrap" safe>{formatDateTime(row.created_at, timeZone, ctx.language)}</td>
      <td>
        <StatusBadge ctx={ctx} status={row.payment_status} />
      </td>
      {compact ? (
        ''
      ) : (
        <td class="text-end">
          <ActionCell ctx={ctx} row={row} />
        </td>
      )}
    </tr>
  );
}

/** Rows plus, when there are more, a "load more" row that replaces itself with the next page. */
export function BookingRows(props: {
  ctx: PageContext;
  rows: ExecutionListItem[];
  timeZone: string;
  customerId: string;
  query: BookingQuery;
  nextCursor: string | null;
}): JSX.Element {
  const cursor = props.nextCursor;
  const more = cursor ? `${paths.bookingsFragment(props.query.filter, props.customerId)}/rows?${bookingQueryString(props.query, { cursor })}` : null;
  // Without JavaScript "Weiter" opens the overview with this customer's next page.
  const page = cursor ? `${paths.bookings}?${bookingQueryString(props.query, { customer: props.customerId, cursor })}#bookings-${props.customerId}` : null;
  return (
    <>
      {props.rows.map((row) => (
        <BookingRow ctx={props.ctx} row={row} timeZone={props.timeZone} />
      ))}
      {more ? (
        <tr class="load-more">
          <td colspan="7" class="text-center">
            <a class="btn btn-sm btn-outline-secondary" href={page!} hx-get={more} hx-target="closest tr" hx-swap="outerHTML" safe>
              {props.ctx.t('core.pagination.next')}
            </a>
          </td>
        </tr>
      ) : (
        ''
      )}
    </>
  );
}

function money(ctx: PageContext, price: Record<string, number>): string {
  const entries = Object.entries(price);
  if (!entries.length) return formatMoney(0, ctx.language);
  return entries.map(([currency, micro]) => formatMoney(micro, ctx.language, currency)).join(' + ');
}

function SumsRow({ ctx, block }: { ctx: PageContext; block: BookingBlock }): JSX.Element {
  return (
    <tfoot>
      <tr class="table-sums">
        <td colspan="2" safe>{ctx.t('os.bookings.sum_count', { count: block.count })}</td>
        <td class="text-nowrap sum-time" safe>{formatDuration(block.totals.seconds)}</td>
        <td class="text-end text-nowrap sum-price" safe>{money(ctx, block.totals.price)}</td>
        <td colspan="3"></td>
      </tr>
    </tfoot>
  );
}

/** The shortcuts (today … last 20): each keeps the program, status and id filters and reloads only this block. */
function Tabs({ ctx, block }: { ctx: PageContext; block: BookingBlock }): JSX.Element {
  const id = block.customer.id;
  const ranged = block.period.filter === 'range';
  return (
    <ul class="nav nav-tabs mb-3 booking-tabs" role="tablist">
      {FILTERS.map((f) => {
        const active = !ranged && f === block.filter;
        const query = bookingQueryString({ ...block.query, filter: f, from: null, to: null });
        return (
          <li class="nav-item" role="presentation">
            <a
              class={`nav-link${active ? ' active' : ''}`}
              role="tab"
              aria-selected={active ? 'true' : 'false'}
              data-filter={f}
              href={`${paths.bookings}?${query}#bookings-${id}`}
              hx-get={`${paths.bookingsFragment(f, id)}?${query}`}
              hx-target={`#bookings-${id}`}
              hx-swap="outerHTML"
              safe
            >
              {ctx.t(`os.filter.${f}`)}
            </a>
          </li>
        );
      })}
    </ul>
  );
}

/** "1.3.2025 – 31.3.2025" for a calendar period, the shortcut's name for "last 20". */
function periodLabel(ctx: PageContext, block: BookingBlock): string {
  const dates = localDatesOf(block.period, block.customer.timeZone);
  if (!dates) return ctx.t(`os.filter.${block.filter}`);
  const show = (date: string) => formatDate(`${date}T12:00:00.000Z`, 'UTC', ctx.language);
  return dates.from === dates.to ? show(dates.from) : `${show(dates.from)} – ${show(dates.to)}`;
}

/** The export button (the reader's default format) with the choice of both formats (docs/dashboard.md, CSV). */
function CsvExport({ ctx, href }: { ctx: PageContext; href: string }): JSX.Element {
  const joiner = href.includes('?') ? '&' : '?';
  return (
    <div class="btn-group">
      <a class="btn btn-sm btn-outline-primary csv-export" href={href} download="">
        <i class="bi bi-filetype-csv me-1"></i>
        <span safe>{ctx.t('os.bookings.csv')}</span>
      </a>
      <button type="button" class="btn btn-sm btn-outline-primary dropdown-toggle dropdown-toggle-split" data-bs-toggle="dropdown" aria-expanded="false">
        <span class="visually-hidden" safe>{ctx.t('os.bookings.csv.choose')}</span>
      </button>
      <ul class="dropdown-menu dropdown-menu-end">
        {(['spreadsheet', 'standard'] as const).map((format) => (
          <li>
            <a class={`dropdown-item csv-export-${format}`} href={`${href}${joiner}format=${format}`} download="" safe>
              {ctx.t(`os.bookings.csv.${format}`)}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** One customer's bookings for one query: shortcuts, CSV link, chart, table with sums. Also the htmx fragment. */
export function BookingBlockView({ ctx, block }: { ctx: PageContext; block: BookingBlock }): JSX.Element {
  const { customer, query } = block;
  const qs = bookingQueryString(query);
  return (
    <section
      class="card mb-4 booking-block"
      id={`bookings-${customer.id}`}
      data-customer-id={customer.id}
      data-filter={block.period.filter}
      hx-get={`${paths.bookingsFragment(query.filter, customer.id)}?${qs}`}
      hx-trigger="os-refresh"
      hx-swap="outerHTML"
    >
      <div class="card-header bg-white d-flex flex-wrap justify-content-between align-items-center gap-2">
        <h2 class="h5 mb-0" safe>{customer.name}</h2>
        <div class="d-flex flex-wrap align-items-center gap-2 gap-sm-3">
          <span class="small text-muted" safe>{ctx.t('os.bookings.timezone', { zone: customer.timeZone })}</span>
          <CsvExport ctx={ctx} href={`${paths.bookingsExport(query.filter, customer.id)}?${qs}`} />
        </div>
      </div>
      <div class="card-body">
        <Tabs ctx={ctx} block={block} />
        <p class="small text-muted mb-2 booking-period" safe>
          {periodLabel(ctx, block)}
        </p>
        {block.rows.length === 0 ? (
          <EmptyState text={ctx.t(narrowed(query) ? 'os.bookings.empty_filtered' : 'os.bookings.empty')} icon="receipt" />
        ) : (
          <>
            <TimeAndCostChart
              points={block.chart.points}
              unit={block.chart.unit}
              language={ctx.language}
              title={`${ctx.t('os.bookings.chart.title')} – ${periodLabel(ctx, block)}`}
              hoursLabel={ctx.t('os.bookings.chart.hours')}
              costLabel={ctx.t('os.bookings.chart.cost')}
            />
            <div class="table-responsive">
              <table class="table table-hover align-middle bookings-table">
                <thead>
                  <tr>
                    <th scope="col" safe>{ctx.t('os.bookings.col.id')}</th>
                    <th scope="col" safe>{ctx.t('os.bookings.col.program')}</th>
                    <th scope="col" safe>{ctx.t('os.bookings.col.time')}</th>
                    <th scope="col" class="text-end" safe>{ctx.t('os.bookings.col.price')}</th>
                    <th scope="col" safe>{ctx.t('os.bookings.col.created')}</th>
                    <th scope="col" safe>{ctx.t('os.bookings.col.status')}</th>
                    <th scope="col" class="text-end" safe>{ctx.t('os.bookings.col.action')}</th>
                  </tr>
                </thead>
                <tbody>
                  <BookingRows ctx={ctx} rows={block.rows} timeZone={customer.timeZone} customerId={customer.id} query={query} nextCursor={block.nextCursor} />
                </tbody>
                <SumsRow ctx={ctx} block={block} />
              </table>
            </div>
          </>
        )}
      </div>
    </section>
  );
}

export function BookingsPage(props: {
  ctx: PageContext;
  viewer: Viewer;
  blocks: BookingBlock[];
  filters: BookingFiltersProps;
}): JSX.Element {
  const { ctx } = props;
  return (
    <DashboardLayout ctx={ctx} viewer={props.viewer} title={ctx.t('os.bookings.title')}>
      <PageHeader title={ctx.t('os.bookings.title')} />
      <BookingFilters ctx={ctx} {...props.filters} />
      {props.blocks.map((block) => (
        <BookingBlockView ctx={ctx} block={block} />
      ))}
      <div id="os-modal-container"></div>
    </DashboardLayout>
  );
}
