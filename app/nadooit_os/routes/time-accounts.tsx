import type { FastifyInstance, FastifyRequest } from 'fastify';
import { periodNow } from '../../core/time/clock.js';
import { z } from 'zod';
import type { AppContext } from '../../core/app-module.js';
import { notFound } from '../../core/http/errors.js';
import type { FieldErrors } from '../../core/ui/components.js';
import { fieldErrors, formString } from '../../core/ui/forms.js';
import { requireUser } from '../../nadooit_auth/guards.js';
import { getCustomer } from '../../nadooit_crm/services.js';
import { assertRole, hasRole } from '../../nadooit_hr/permissions.js';
import { ledgerPage } from '../../nadooit_time_account/ledger.js';
import { withLowBalance } from '../../nadooit_time_account/low-balance.js';
import { createCustomerTimeAccount, customerTimeAccount, customerTimeAccounts, labelsOfTimeAccount, setCustomerTimeAccountActive, setLowBalanceThreshold } from '../../nadooit_time_account/services.js';
import { openTopUpRequests, requestTopUp, topUpRequestsOf } from '../../nadooit_time_account/top-up-requests.js';
import { paths } from '../paths.js';
import { LedgerPage, TimeAccountsPage } from '../views/time-accounts.js';
import type { TopUpRequestFormState } from '../views/top-up-requests.js';
import { customersWithRoleFor, dashboardPage, queryString, replyNoRole, submitForm, uuidParam } from './context.js';
import { parseTopUpRequest } from './top-up-request-form.js';

const ROLE = 'time_account_manager' as const;
const LEDGER_PAGE_SIZE = 25;

/** "12", "1,5", "0.25" hours → seconds; empty → null (no warning). */
const thresholdSchema = z.object({
  threshold_hours: z
    .string()
    .trim()
    .refine((v) => v === '' || /^\d{1,7}([.,]\d{1,4})?$/.test(v), { message: 'Bitte eine Zahl von Stunden eingeben, z. B. 10 oder 2,5.' })
    .transform((v) => (v === '' ? null : Math.round(Number(v.replace(',', '.')) * 3600))),
});

/** The ledger page's position: `?before=<seq>` (the sequence number of the last entry shown); anything else is the first page. */
function ledgerCursor(value: string | undefined): number | undefined {
  return value && /^[1-9]\d{0,15}$/.test(value) ? Number(value) : undefined;
}

/** "Zeitkonten": overview per customer, one account's ledger with paging, its low-balance threshold and top-up requests. */
/** The balance chart draws the newest this many ledger entries. */
const CHART_ENTRIES = 2000;

export function timeAccountRoutes(scope: FastifyInstance, app: AppContext): void {
  const db = app.db.kysely;

  async function renderOverview(request: FastifyRequest, failed?: { customerId: string; error: string; values: { name: string; threshold_hours: string } }) {
    const { ctx, viewer } = await dashboardPage(request, app);
    const customers = await customersWithRoleFor(request, app, ROLE);
    const groups = await Promise.all(
      customers.map(async (customer) => ({
        customer,
        accounts: await withLowBalance(db, await customerTimeAccounts(db, customer.id), periodNow()),
        mayCreate: await hasRole(db, viewer.user.id, customer.id, ROLE, 'can_create_time_accounts'),
        openRequests: await openTopUpRequests(db, customer.id),
        ...(failed?.customerId === customer.id ? { error: failed.error, values: failed.values } : {}),
      })),
    );
    return { ctx, viewer, customers, page: <TimeAccountsPage ctx={ctx} viewer={viewer} groups={groups} /> };
  }

  scope.get('/time-account/customer-time-account-overview', async (request, reply) => {
    const { ctx, viewer, customers, page } = await renderOverview(request);
    if (!customers.length) return replyNoRole(reply, ctx, viewer, ctx.t('os.ta.title'));
    return reply.html(page);
  });

  scope.post('/time-account/create-customer-time-account', async (request, reply) => {
    const values = { name: formString(request.body, 'name'), threshold_hours: formString(request.body, 'threshold_hours') };
    const customerId = formString(request.body, 'customers');
    const rerender = async (error: string) => (await renderOverview(request, { customerId, error, values })).page;
    const threshold = thresholdSchema.safeParse({ threshold_hours: values.threshold_hours });
    if (!threshold.success) return reply.html(await rerender(threshold.error.issues[0]!.message), 400);
    return submitForm(
      reply,
      async () => {
        // The service checks can_create_time_accounts for the customer.
        await createCustomerTimeAccount(db, { actorUserId: requireUser(request).id, customerId, name: values.name, lowBalanceThresholdSeconds: threshold.data.threshold_hours });
        await request.flash('success', request.t('os.ta.created'));
        return reply.redirect(`${paths.timeAccounts}#time-accounts-${customerId}`, 303);
      },
      rerender,
    );
  });

  for (const action of ['deactivate', 'activate'] as const) {
    scope.post(`/time-account/customer-time-account/:accountId/${action}`, async (request, reply) => {
      const { account } = await accountFor(request);
      // The service checks can_delete_time_accounts (deactivate) / can_create_time_accounts (activate).
      await setCustomerTimeAccountActive(db, { actorUserId: requireUser(request).id, customerTimeAccountId: account.customerTimeAccountId, active: action === 'activate' });
      await request.flash('success', request.t(`os.ta.${action}d`));
      return reply.redirect(paths.timeAccount(account.timeAccountId), 303);
    });
  }

  /**
   * The account named in the path by its time-account id (`renamed`: by the id of a customer's label, as
   * older links did), seen through the label of a customer the viewer manages time accounts for; 404
   * unknown, 403 not theirs.
   */
  async function accountFor(request: FastifyRequest) {
    const id = uuidParam(request, 'accountId');
    const userId = requireUser(request).id;
    let labels = await labelsOfTimeAccount(db, id);
    const renamed = labels.length === 0;
    if (renamed) labels = [await customerTimeAccount(db, id)].filter((label) => label !== undefined);
    if (!labels.length) throw notFound();
    let account = labels[0]!;
    for (const label of labels) {
      if (await hasRole(db, userId, label.customerId, ROLE)) {
        account = label;
        break;
      }
    }
    await assertRole(db, userId, account.customerId, ROLE);
    const customer = (await getCustomer(db, account.customerId))!;
    return { customer, account, renamed };
  }

  type Resolved = Awaited<ReturnType<typeof accountFor>>;
  async function renderLedger(request: FastifyRequest, extra: { errors?: FieldErrors; values?: Record<string, string>; requestForm?: TopUpRequestFormState } = {}, resolved?: Resolved) {
    const { ctx, viewer } = await dashboardPage(request, app);
    const { customer, account: view } = resolved ?? (await accountFor(request));
    const now = periodNow();
    const [account] = await withLowBalance(db, [view], now);
    const before = ledgerCursor(queryString(request, 'before'));
    const { entries, nextBeforeSeq } = await ledgerPage(db, account.timeAccountId, { limit: LEDGER_PAGE_SIZE, beforeSeq: before });
    const base = paths.timeAccount(account.timeAccountId);
    const mayCreate = await hasRole(db, viewer.user.id, customer.id, ROLE, 'can_create_time_accounts');
    const history = await ledgerPage(db, account.timeAccountId, { limit: CHART_ENTRIES });
    return (
      <LedgerPage
        ctx={ctx}
        viewer={viewer}
        customer={customer}
        account={account}
        entries={entries}
        previousHref={before === undefined ? null : base}
        nextHref={nextBeforeSeq === null ? null : `${base}?before=${nextBeforeSeq}`}
        requests={await topUpRequestsOf(db, account.customerTimeAccountId)}
        history={{ entries: history.entries, now }}
        may={{
          threshold: true,
          deactivate: await hasRole(db, viewer.user.id, customer.id, ROLE, 'can_delete_time_accounts'),
          activate: mayCreate,
          request: mayCreate && account.isActive,
        }}
        {...extra}
      />
    );
  }

  scope.get('/time-account/customer-time-account/:accountId', async (request, reply) => {
    const resolved = await accountFor(request);
    if (resolved.renamed) {
      const query = request.url.indexOf('?');
      return reply.redirect(`${paths.timeAccount(resolved.account.timeAccountId)}${query < 0 ? '' : request.url.slice(query)}`, 301);
    }
    return reply.html(await renderLedger(request, {}, resolved));
  });

  scope.post('/time-account/customer-time-account/:accountId/threshold', async (request, reply) => {
    const { account } = await accountFor(request);
    const parsed = thresholdSchema.safeParse({ threshold_hours: formString(request.body, 'threshold_hours') });
    if (!parsed.success) {
      return reply.html(await renderLedger(request, { errors: fieldErrors(parsed.error), values: { threshold_hours: formString(request.body, 'threshold_hours') } }), 400);
    }
    // The service checks the time-account-manager role for the account's customer.
    await setLowBalanceThreshold(db, { actorUserId: requireUser(request).id, customerTimeAccountId: account.customerTimeAccountId, seconds: parsed.data.threshold_hours });
    await request.flash('success', request.t('os.ta.threshold.done'));
    return reply.redirect(paths.timeAccount(account.timeAccountId), 303);
  });

  scope.post('/time-account/customer-time-account/:accountId/top-up-request', async (request, reply) => {
    const { account } = await accountFor(request);
    const input = parseTopUpRequest(request.body, request.t);
    if (!input.ok) return reply.html(await renderLedger(request, { requestForm: { errors: input.errors, values: input.values } }), 400);
    return submitForm(
      reply,
      async () => {
        // The service checks can_create_time_accounts for the account's customer and that the account is active.
        await requestTopUp(db, { actorUserId: requireUser(request).id, customerTimeAccountId: account.customerTimeAccountId, seconds: input.seconds, note: input.note });
        await request.flash('success', request.t('os.ta.request.done'));
        return reply.redirect(`${paths.timeAccount(account.timeAccountId)}#top-up-requests`, 303);
      },
      async (error) => renderLedger(request, { requestForm: { error, values: input.values } }),
    );
  });
}
