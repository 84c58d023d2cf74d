import { CsrfField, EmptyState } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { Complaint } from '../../nadoo_complaint_management/services.js';
import type { ExecutionListItem } from '../../nadooit_api_executions_system/services/queries.js';
import type { Customer } from '../../nadooit_crm/services.js';
import type { CustomerProgramView } from '../../nadooit_program_ownership_system/services.js';
import type { Viewer } from '../access.js';
import { formatDate, formatDateTime, formatDuration, formatMoney, formatRate } from '../../core/ui/format.js';
import { paths } from '../paths.js';
import { effectiveTimeZone } from '../periods.js';
import type { PriceInfo } from '../pricing.js';
import { BookingRow } from './bookings.js';
import { Banner, Section, Table } from './common.js';
import { DashboardLayout, PageHeader } from './shell.js';

export interface ProgramEntry {
  program: CustomerProgramView;
  price: PriceInfo;
}

/** "Nächster Preis pro Ausführung": the next tier's price per run and from when it applies (D13 fixed). */
export function NextPrice({ ctx, entry }: { ctx: PageContext; entry: ProgramEntry }): JSX.Element {
  const { price, program } = entry;
  if (price.pricingMode === 'fixed') return <span class="text-muted" safe>{ctx.t('os.programs.next.fixed')}</span>;
  if (!price.next) return <span class="text-muted" safe>{ctx.t('os.programs.next.none')}</span>;
  const hours = new Intl.NumberFormat(ctx.language === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: 2 }).format(price.next.fromSeconds / 3600);
  return (
    <span class="next-price">
      <span safe>{formatRate(price.next.pricePerRun, ctx.language, program.currency)}</span>{' '}
      <small class="text-muted" safe>
        {ctx.t('os.programs.next.after', { hours })}
      </small>
    </span>
  );
}

function ActiveBadge({ ctx, active }: { ctx: PageContext; active: boolean }): JSX.Element {
  return (
    <span class={`badge ${active ? 'text-bg-success' : 'text-bg-secondary'}`} safe>
      {ctx.t(active ? 'os.programs.active' : 'os.programs.inactive')}
    </span>
  );
}

/** "Übersicht der Programme": per customer its licensed programs with time, prices and pricing mode. */
export function ProgramsPage({ ctx, viewer, groups }: { ctx: PageContext; viewer: Viewer; groups: Array<{ customer: Customer; entries: ProgramEntry[] }> }): JSX.Element {
  const t = ctx.t;
  return (
    <DashboardLayout ctx={ctx} viewer={viewer} title={t('os.programs.title')}>
      <PageHeader title={t('os.programs.title')} />
      {groups.map(({ customer, entries }) => (
        <Section title={customer.name} id={`programs-${customer.id}`} class="program-block">
          <Table class="table-hover programs-table" columns={[t('os.programs.col.program'), t('os.programs.col.time'), { label: t('os.programs.col.pps'), end: true }, { label: t('os.programs.col.ppe'), end: true }, t('os.programs.col.mode'), t('os.programs.col.next'), t('os.programs.col.created'), t('os.programs.col.active')]} count={entries.length} empty={{ text: t('os.programs.empty'), icon: 'robot' }}>
            {entries.map((entry) => {
              const p = entry.program;
              return (
                <tr id={`program-${p.id}`}>
                  <td>
                    <a href={paths.program(p.id)} safe>
                      {p.programName ?? p.id}
                    </a>
                  </td>
                  <td class="text-nowrap" safe>{formatDuration(p.program_time_saved_per_execution_in_seconds)}</td>
                  <td class="text-end text-nowrap" safe>{formatRate(entry.price.pricePerSecond, ctx.language, p.currency)}</td>
                  <td class="text-end text-nowrap" safe>{formatRate(entry.price.pricePerRun, ctx.language, p.currency)}</td>
                  <td safe>{t(`os.programs.mode.${p.pricing_mode}`)}</td>
                  <td>
                    <NextPrice ctx={ctx} entry={entry} />
                  </td>
                  <td class="text-nowrap" safe>{formatDate(p.created_at, effectiveTimeZone(customer.time_zone), ctx.language)}</td>
                  <td>
                    <ActiveBadge ctx={ctx} active={p.is_active} />
                  </td>
                </tr>
              );
            })}
          </Table>
        </Section>
      ))}
    </DashboardLayout>
  );
}

export interface ProgramProfileProps {
  ctx: PageContext;
  viewer: Viewer;
  customer: Customer;
  entry: ProgramEntry;
  description: string | null;
  executions: ExecutionListItem[];
  complaints: Complaint[] | null;
  may: { deactivate: boolean; activate: boolean };
}

/** One customer program: its figures, latest executions and complaints, and (de)activation where allowed. */
export function ProgramProfilePage(props: ProgramProfileProps): JSX.Element {
  const { ctx, entry, customer } = props;
  const t = ctx.t;
  const p = entry.program;
  const zone = effectiveTimeZone(customer.time_zone);
  const toggle = p.is_active ? (props.may.deactivate ? 'deactivate' : null) : props.may.activate ? 'activate' : null;
  const text = (value: string) => <span safe>{value}</span>;
  const rows: Array<[string, JSX.Element]> = [
    [t('os.programs.col.id'), text(p.id)],
    [t('os.programs.col.time'), text(formatDuration(p.program_time_saved_per_execution_in_seconds))],
    [t('os.programs.col.mode'), text(t(`os.programs.mode.${p.pricing_mode}`))],
    [t('os.programs.col.pps'), text(formatRate(entry.price.pricePerSecond, ctx.language, p.currency))],
    [t('os.programs.col.ppe'), text(formatRate(entry.price.pricePerRun, ctx.language, p.currency))],
    [t('os.programs.col.next'), <NextPrice ctx={ctx} entry={entry} />],
    [t('os.programs.profile.billable'), text(formatDuration(entry.price.billableSeconds))],
    [t('os.programs.col.created'), text(formatDateTime(p.created_at, zone, ctx.language))],
  ];
  return (
    <DashboardLayout ctx={ctx} viewer={props.viewer} title={p.programName ?? t('os.programs.profile')}>
      <PageHeader
        title={p.programName ?? t('os.programs.profile')}
        lead={customer.name}
        actions={
          <a class="btn btn-outline-secondary" href={paths.programs} safe>
            {t('os.back')}
          </a>
        }
      />
      <div class="row g-4">
        <div class="col-lg-5">
          <section class="card mb-4">
            <div class="card-body">
              <div class="mb-3">
                <ActiveBadge ctx={ctx} active={p.is_active} />
              </div>
              {props.description ? <p class="text-muted" safe>{props.description}</p> : ''}
              <table class="table table-sm mb-3 program-facts">
                <tbody>
                  {rows.map(([label, value]) => (
                    <tr>
                      <th scope="row" class="fw-normal text-muted" safe>{label}</th>
                      <td>{value}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {toggle ? (
                <form method="post" action={`${paths.program(p.id)}/${toggle}`} data-confirm={toggle === 'deactivate' ? t('os.programs.confirm_deactivate') : undefined}>
                  <CsrfField ctx={ctx} />
                  <button type="submit" class={`btn btn-sm ${toggle === 'deactivate' ? 'btn-outline-danger' : 'btn-outline-success'}`} safe>
                    {t(`os.programs.${toggle}`)}
                  </button>
                </form>
              ) : (
                ''
              )}
            </div>
          </section>
          <Section title={t('os.programs.profile.complaints')} small>
            {props.complaints === null ? (
              <p class="small text-muted mb-0" safe>{t('os.programs.profile.complaints.hidden')}</p>
            ) : props.complaints.length === 0 ? (
              <EmptyState text={t('os.programs.profile.complaints.empty')} icon="chat-square-text" />
            ) : (
              <ul class="list-group list-group-flush complaint-list">
                {props.complaints.map((c) => (
                  <li class="list-group-item px-0">
                    <div class="d-flex justify-content-between">
                      <span class="small text-muted" safe>{formatDateTime(c.created_at, zone, ctx.language)}</span>
                      <span class="badge text-bg-light border" safe>{t(`os.complaint.status.${c.status}`)}</span>
                    </div>
                    <div safe>{c.text}</div>
                    {c.resolution_note ? <div class="small text-muted" safe>{c.resolution_note}</div> : ''}
                  </li>
                ))}
              </ul>
            )}
          </Section>
        </div>
        <div class="col-lg-7">
          <Section title={t('os.programs.profile.executions')} small>
            <Table class="table-sm bookings-table" columns={[t('os.bookings.col.id'), t('os.bookings.col.time'), { label: t('os.bookings.col.price'), end: true }, t('os.bookings.col.created'), t('os.bookings.col.status')]} count={props.executions.length} empty={{ text: t('os.bookings.empty'), icon: 'receipt' }}>
              {props.executions.map((row) => (
                <BookingRow ctx={ctx} row={row} timeZone={zone} compact />
              ))}
            </Table>
          </Section>
        </div>
      </div>
      {p.is_active ? '' : <Banner kind="info" text={t('os.programs.inactive_note')} />}
    </DashboardLayout>
  );
}
