import { shortId } from '../../core/ids.js';
import { CsrfField, Field, FormErrors, Pagination } from '../../core/ui/components.js';
import { balanceSeries, runOutForecast } from '../balance-forecast.js';
import type { LedgerLike } from '../balance-forecast.js';
import { BalanceChart } from './balance-chart.js';
import type { FieldErrors } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { Customer } from '../../nadooit_crm/services.js';
import type { LedgerEntry } from '../../nadooit_time_account/ledger.js';
import type { CustomerTimeAccountView } from '../../nadooit_time_account/services.js';
import { DEFAULT_RUNWAY_DAYS, USE_WINDOW_DAYS } from '../../nadooit_time_account/low-balance.js';
import type { LowBalanceAccount } from '../../nadooit_time_account/low-balance.js';
import type { TopUpRequestListing } from '../../nadooit_time_account/top-up-requests.js';
import type { Viewer } from '../access.js';
import { formatDate, formatDateTime, formatDuration } from '../../core/ui/format.js';
import { paths } from '../paths.js';
import { effectiveTimeZone } from '../periods.js';
import { Banner, Section, Table } from './common.js';
import { DashboardLayout, PageHeader } from './shell.js';
import { OpenRequestBadge, TopUpRequestForm, TopUpRequestTable } from './top-up-requests.js';
import type { TopUpRequestFormState } from './top-up-requests.js';

/** An account as the pages show it: `low` says why its balance is low (nadooit_time_account/low-balance.ts), null when not. */
export type AccountView = CustomerTimeAccountView & { low: LowBalanceAccount | null };

export function isLow(account: Pick<AccountView, 'low'>): boolean {
  return account.low !== null;
}

/** The warning of a low account: below its own threshold, or (no threshold set) running out within 14 days. */
export function lowBannerText(ctx: PageContext, account: AccountView): string {
  const low = account.low!;
  return low.thresholdSource === 'set'
    ? ctx.t('os.ta.low_banner', { name: account.name, threshold: formatDuration(low.thresholdSeconds) })
    : ctx.t('os.ta.low_banner_forecast', { name: account.name, days: DEFAULT_RUNWAY_DAYS, window: USE_WINDOW_DAYS });
}

function Balance({ ctx, account }: { ctx: PageContext; account: AccountView }): JSX.Element {
  return (
    <span class={isLow(account) ? 'low-balance' : ''}>
      <span safe>{formatDuration(account.balanceSeconds)}</span>
      {isLow(account) ? (
        <span class="badge text-bg-danger ms-2" safe>
          {ctx.t('os.ta.low')}
        </span>
      ) : (
        ''
      )}
    </span>
  );
}

export interface CustomerAccounts {
  customer: Customer;
  accounts: AccountView[];
  /** The viewer holds can_create_time_accounts for this customer. */
  mayCreate: boolean;
  /** Open top-up requests per customer time account. */
  openRequests: Map<string, { count: number; seconds: number }>;
  /** A refused "Zeitkonto anlegen" for this customer, with what was typed. */
  error?: string;
  values?: { name: string; threshold_hours: string };
}

/** "Zeitkonto anlegen" for one customer (time-account managers with can_create_time_accounts). */
function CreateAccountForm({ ctx, group }: { ctx: PageContext; group: CustomerAccounts }): JSX.Element {
  const t = ctx.t;
  return (
    <form method="post" action={paths.createTimeAccount} class="row g-2 align-items-end border-top pt-3 mt-1 create-time-account">
      <CsrfField ctx={ctx} />
      <input type="hidden" name="customers" value={group.customer.id} />
      {group.error ? (
        <div class="col-12">
          <Banner kind="danger" text={group.error} />
        </div>
      ) : (
        ''
      )}
      <div class="col-sm-5">
        <label class="form-label small" for={`ta-name-${group.customer.id}`} safe>
          {t('os.ta.col.name')}
        </label>
        <input class="form-control" id={`ta-name-${group.customer.id}`} name="name" required value={group.values?.name} />
      </div>
      <div class="col-sm-4">
        <label class="form-label small" for={`ta-threshold-${group.customer.id}`} safe>
          {t('os.ta.threshold.hours')}
        </label>
        <input class="form-control" id={`ta-threshold-${group.customer.id}`} name="threshold_hours" inputmode="decimal" value={group.values?.threshold_hours} />
      </div>
      <div class="col-sm-3">
        <button type="submit" class="btn btn-outline-primary w-100" safe>
          {t('os.ta.create')}
        </button>
      </div>
    </form>
  );
}

/** "Übersicht der Zeitkonten": per customer its accounts with balance, warning threshold and total. */
export function TimeAccountsPage({ ctx, viewer, groups }: { ctx: PageContext; viewer: Viewer; groups: CustomerAccounts[] }): JSX.Element {
  const t = ctx.t;
  const low = groups.flatMap((g) => g.accounts.filter(isLow));
  return (
    <DashboardLayout ctx={ctx} viewer={viewer} title={t('os.ta.title')}>
      <PageHeader title={t('os.ta.title')} />
      {low.map((a) => (
        <Banner kind="warning" text={lowBannerText(ctx, a)} />
      ))}
      {groups.map((group) => (
        <Section title={group.customer.name} id={`time-accounts-${group.customer.id}`} class="time-account-block">
          <Table class="table-hover" columns={[t('os.ta.col.account'), t('os.ta.col.name'), t('os.ta.col.balance'), t('os.ta.col.threshold')]} count={group.accounts.length} empty={{ text: t('os.ta.empty'), icon: 'hourglass' }}
            footer={
              <tfoot>
                <tr class="table-sums">
                  <td colspan="2" safe>{t('os.ta.total')}</td>
                  <td colspan="2" safe>{formatDuration(group.accounts.reduce((sum, a) => sum + a.balanceSeconds, 0))}</td>
                </tr>
              </tfoot>
            }
          >
            {group.accounts.map((a) => (
              <tr class={a.isActive ? '' : 'text-muted'}>
                <td class="small text-muted font-monospace" title={a.timeAccountId} safe>
                  {shortId(a.timeAccountId)}
                </td>
                <td>
                  <a href={paths.timeAccount(a.timeAccountId)} safe>
                    {a.name}
                  </a>
                  {a.isActive ? '' : <span class="badge text-bg-secondary ms-2" safe>{t('os.programs.inactive')}</span>}
                  <OpenRequestBadge ctx={ctx} open={group.openRequests.get(a.customerTimeAccountId)} />
                </td>
                <td>
                  <Balance ctx={ctx} account={a} />
                </td>
                <td class="text-muted" safe>
                  {a.lowBalanceThresholdSeconds === null ? '–' : formatDuration(a.lowBalanceThresholdSeconds)}
                </td>
              </tr>
            ))}
          </Table>
          {group.mayCreate ? <CreateAccountForm ctx={ctx} group={group} /> : ''}
        </Section>
      ))}
    </DashboardLayout>
  );
}

export interface LedgerPageProps {
  ctx: PageContext;
  viewer: Viewer;
  customer: Customer;
  account: AccountView;
  entries: LedgerEntry[];
  previousHref: string | null;
  nextHref: string | null;
  /** The account's top-up requests, newest first. */
  requests: TopUpRequestListing[];
  /** Which forms the viewer may use on this account. */
  may: { threshold: boolean; deactivate: boolean; activate: boolean; request: boolean };
  /** A rejected "Aufladung anfragen" with what was typed. */
  requestForm?: TopUpRequestFormState;
  errors?: FieldErrors;
  values?: Record<string, string>;
  notice?: string;
  /** The balance over time (the newest ledger entries, any order) and the instant the chart ends at. */
  history: { entries: LedgerLike[]; now: Date };
}

/** A ledger change with its sign in front: "+ 10 h 00 min", "− 40 min". */
function signed(ctx: PageContext, seconds: number): string {
  return `${seconds < 0 ? '−' : '+'} ${formatDuration(Math.abs(seconds))}`;
}

/** One account: balance, ledger entries with paging, and the threshold form where the role allows it. */
export function LedgerPage(props: LedgerPageProps): JSX.Element {
  const { ctx, account } = props;
  const t = ctx.t;
  const runOut = runOutForecast(props.history.entries, account.balanceSeconds, props.history.now);
  const zone = effectiveTimeZone(props.customer.time_zone);
  const toggle = account.isActive ? (props.may.deactivate ? 'deactivate' : null) : props.may.activate ? 'activate' : null;
  return (
    <DashboardLayout ctx={ctx} viewer={props.viewer} title={t('os.ta.ledger.title', { name: account.name })}>
      <PageHeader
        title={t('os.ta.ledger.title', { name: account.name })}
        lead={props.customer.name}
        actions={
          <a class="btn btn-outline-secondary" href={paths.timeAccounts} safe>
            {t('os.ta.back')}
          </a>
        }
      />
      {props.notice ? <Banner kind="success" text={props.notice} /> : ''}
      {props.requestForm?.error ? <Banner kind="danger" text={props.requestForm.error} /> : ''}
      {isLow(account) ? (
        <Banner kind="warning" text={lowBannerText(ctx, account)} />
      ) : (
        ''
      )}
      <div class="row g-4 mb-4">
        <div class="col-md-6">
          <div class="card h-100">
            <div class="card-body">
              <div class="text-muted small" safe>{t('os.ta.col.balance')}</div>
              <div class="fs-3" id="account-balance">
                <Balance ctx={ctx} account={account} />
              </div>
              <p class="small mb-2" id="balance-forecast" safe>
                {runOut
                  ? t('os.ta.forecast', { date: formatDate(runOut.at.toISOString(), zone, ctx.language), perDay: formatDuration(Math.round(runOut.secondsPerDay)) })
                  : t('os.ta.forecast.none')}
              </p>
              <BalanceChart ctx={ctx} points={balanceSeries(props.history.entries)} now={props.history.now} threshold={account.lowBalanceThresholdSeconds} runOut={runOut?.at ?? null} timeZone={zone} />
            </div>
          </div>
        </div>
        <div class="col-md-6">
          <p class="small text-muted" safe>{t('os.ta.topup_hint')}</p>
          {props.may.request ? <TopUpRequestForm ctx={ctx} timeAccountId={account.timeAccountId} state={props.requestForm} /> : ''}
          {props.may.threshold ? (
            <section class="card mb-3">
              <div class="card-body">
                <h2 class="h6" safe>{t('os.ta.threshold.title')}</h2>
                <form method="post" action={paths.timeAccountThreshold(account.timeAccountId)}>
                  <CsrfField ctx={ctx} />
                  <FormErrors ctx={ctx} errors={props.errors} />
                  <Field
                    name="threshold_hours"
                    label={t('os.ta.threshold.hours')}
                    inputmode="decimal"
                    value={
                      props.values?.threshold_hours ??
                      (account.lowBalanceThresholdSeconds === null ? '' : String(account.lowBalanceThresholdSeconds / 3600))
                    }
                    errors={props.errors}
                  />
                  <button type="submit" class="btn btn-primary" safe>
                    {t('os.ta.threshold.submit')}
                  </button>
                </form>
              </div>
            </section>
          ) : (
            ''
          )}
          {toggle ? (
            <form method="post" action={`${paths.timeAccount(account.timeAccountId)}/${toggle}`} class="mt-3" data-confirm={toggle === 'deactivate' ? t('os.ta.confirm_deactivate') : undefined}>
              <CsrfField ctx={ctx} />
              <button type="submit" class={`btn btn-sm ${toggle === 'deactivate' ? 'btn-outline-danger' : 'btn-outline-success'}`} safe>
                {t(`os.ta.${toggle}`)}
              </button>
            </form>
          ) : (
            ''
          )}
        </div>
      </div>
      <TopUpRequestTable ctx={ctx} requests={props.requests} zone={zone} />
      <Section title={t('os.ta.ledger')} small>
        <Table class="table-sm ledger-table" columns={[t('os.ta.ledger.col.date'), t('os.ta.ledger.col.kind'), { label: t('os.ta.ledger.col.seconds'), end: true }, { label: t('os.ta.ledger.col.balance'), end: true }, t('os.ta.ledger.col.note'), t('os.ta.ledger.col.reference')]} count={props.entries.length} empty={{ text: t('os.ta.ledger.empty'), icon: 'journal' }}>
          {props.entries.map((e) => (
            <tr data-entry-id={e.id}>
              <td class="text-nowrap" safe>{formatDateTime(e.created_at, zone, ctx.language)}</td>
              <td safe>{t(`os.ta.kind.${e.kind}`)}</td>
              <td class={`text-end text-nowrap ${e.seconds < 0 ? 'text-danger' : 'text-success'}`} safe>
                {signed(ctx, e.seconds)}
              </td>
              <td class="text-end text-nowrap" safe>{formatDuration(e.balance_after)}</td>
              <td safe>{e.note ?? ''}</td>
              <td safe>{e.reference ?? ''}</td>
            </tr>
          ))}
        </Table>
        <Pagination ctx={ctx} previousHref={props.previousHref} nextHref={props.nextHref} />
      </Section>
    </DashboardLayout>
  );
}
