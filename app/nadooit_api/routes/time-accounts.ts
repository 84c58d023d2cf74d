import { z } from 'zod';
import type { AppContext } from '../../core/app-module.js';
import type { Tx } from '../../core/db/transaction.js';
import { forbidden, notFound } from '../../core/http/errors.js';
import { ledgerEntries, topUp } from '../../nadooit_time_account/ledger.js';
import { timeAccountIdsOfCustomers, timeAccountSummaries } from '../../nadooit_time_account/services.js';
import { programTimeAccountLinks } from '../../nadooit_program_ownership_system/services.js';
import { principalOf } from '../auth.js';
import { CustomerFilter, IdParams, LedgerEntry, LedgerQuery, TimeAccount, TopUpBody, errors, items } from '../schemas.js';
import { AREAS, STAFF_ACTIONS, staffMayRun, visibleCustomers } from '../scope.js';
import type { Area } from '../scope.js';
import type { CustomerScope } from '../scope.js';
import { ledgerOut } from '../serialize.js';
import type { Api } from '../types.js';

/**
 * Accounts a scope may see: labelled for one of its customers, or drawn from by one of its customers'
 * programs. Returns them with the customers they belong to (within the scope).
 */
async function visibleAccounts(db: Tx, scope: CustomerScope, only?: string) {
  let ids: string[] | undefined = only ? [only] : undefined;
  if (scope !== 'all') {
    const reachable = new Set([
      ...(await timeAccountIdsOfCustomers(db, scope)),
      ...(await programTimeAccountLinks(db, { customerIds: scope })).map((l) => l.time_account_id),
    ]);
    ids = (ids ?? [...reachable]).filter((id) => reachable.has(id));
  }
  const accounts = await timeAccountSummaries(db, { ids });
  const programLinks = await programTimeAccountLinks(db, { timeAccountIds: accounts.map((a) => a.id) });
  return accounts.map((a) => ({
    id: a.id,
    name: a.name,
    balance_seconds: a.balanceSeconds,
    is_active: a.isActive,
    low_balance_threshold_seconds: a.lowBalanceThresholdSeconds,
    customer_ids: [...new Set([...a.customerIds, ...programLinks.filter((l) => l.time_account_id === a.id).map((l) => l.customer_id)])].filter(
      (c) => scope === 'all' || scope.includes(c),
    ),
  }));
}

export function timeAccountRoutes(api: Api, { db }: AppContext): void {
  api.get(
    '/time-accounts',
    {
      schema: {
        tags: ['time accounts'],
        summary: 'Prepaid time accounts of customers the caller manages time accounts for (staff granted view on it in the admin: all)',
        querystring: CustomerFilter,
        response: { 200: items(TimeAccount), ...errors },
      },
    },
    async (request) => {
      const scope = await visibleCustomers(db.kysely, principalOf(request), AREAS.timeAccounts, request.query.customer);
      return { items: await visibleAccounts(db.kysely, scope) };
    },
  );

  const one = async (principal: ReturnType<typeof principalOf>, id: string, area: Area = AREAS.timeAccounts) => {
    const scope = await visibleCustomers(db.kysely, principal, area);
    const [account] = await visibleAccounts(db.kysely, scope, id);
    if (!account) throw notFound('Zeitkonto nicht gefunden').localized('api.error.time_account_not_found');
    return account;
  };

  api.get(
    '/time-accounts/:id',
    { schema: { tags: ['time accounts'], summary: 'One time account', params: IdParams, response: { 200: TimeAccount, ...errors } } },
    async (request) => one(principalOf(request), request.params.id),
  );

  api.get(
    '/time-accounts/:id/ledger',
    {
      schema: {
        tags: ['time accounts'],
        summary: 'Ledger entries of an account, newest first (the balance is their sum)',
        params: IdParams,
        querystring: LedgerQuery,
        response: { 200: items(LedgerEntry), ...errors },
      },
    },
    async (request) => {
      const account = await one(principalOf(request), request.params.id, AREAS.ledger);
      const rows = await ledgerEntries(db.kysely, account.id, { limit: request.query.limit, beforeSeq: request.query.before_seq });
      return { items: rows.map(ledgerOut) };
    },
  );

  api.post(
    '/time-accounts/:id/top-ups',
    {
      schema: {
        tags: ['time accounts'],
        summary: "Credit purchased seconds (staff holding the admin's top-up permission: change on time accounts)",
        params: IdParams,
        body: TopUpBody,
        response: { 201: z.object({ entry_id: z.guid(), balance_seconds: z.number().int() }), ...errors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (!staffMayRun(principal, STAFF_ACTIONS.topUp)) throw forbidden('Aufladungen bucht NADOOIT.').localized('api.error.top_up_staff_only');
      const account = await one(principal, request.params.id);
      const change = await topUp(db.kysely, {
        timeAccountId: account.id,
        seconds: request.body.seconds,
        note: request.body.note ?? null,
        reference: request.body.reference ?? null,
        authorUserId: principal.userId,
      });
      return reply.code(201).send({ entry_id: change.entryId, balance_seconds: change.balanceAfter });
    },
  );
}
