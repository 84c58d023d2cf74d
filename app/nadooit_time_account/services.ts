import { randomUUID } from 'node:crypto';
import { transaction } from '../core/db/transaction.js';
import type { Tx } from '../core/db/transaction.js';
import { staffAuthority } from '../nadooit_auth/services/actor.js';
import type { Actor } from '../core/actor.js';
import { InvalidCustomer, InvalidInput, NotFound, PermissionDenied } from '../core/errors.js';
import { hasRole } from '../nadooit_hr/permissions.js';
import { customerExists } from '../nadooit_crm/services.js';
import { isUuid } from '../core/ids.js';
import { createTimeAccount } from './ledger.js';
import './models.js';

/** Customer time accounts: creation and deactivation gated by the time-account-manager abilities. */

export interface CustomerTimeAccountView {
  customerTimeAccountId: string;
  timeAccountId: string;
  customerId: string;
  name: string;
  balanceSeconds: number;
  isActive: boolean;
  lowBalanceThresholdSeconds: number | null;
}

/**
 * Creates a TimeAccount labelled for a customer. Requires time_account_manager.can_create_time_accounts for
 * that customer; an opening balance (prepaid time) can only be set on the staff path.
 */
export async function createCustomerTimeAccount(
  db: Tx,
  input: Actor & { customerId: string; name: string; openingBalanceSeconds?: number; lowBalanceThresholdSeconds?: number | null; openedAt?: Date },
): Promise<CustomerTimeAccountView> {
  const name = input.name?.trim();
  if (!name) throw new InvalidInput('Bitte geben Sie einen Kontonamen ein.');
  return transaction(db, async (tx) => {
    if (!(await customerExists(tx, input.customerId))) throw new InvalidCustomer();
    const staff = await staffAuthority(tx, input);
    if (!staff) {
      if (!(await hasRole(tx, input.actorUserId!, input.customerId, 'time_account_manager', 'can_create_time_accounts'))) {
        throw new PermissionDenied('Sie dürfen für diesen Kunden keine Zeitkonten anlegen.');
      }
      if (input.openingBalanceSeconds) throw new PermissionDenied('Nur NADOOIT-Mitarbeiter können Guthaben buchen.');
    }
    const account = await createTimeAccount(tx, {
      name,
      openingBalanceSeconds: input.openingBalanceSeconds,
      authorUserId: input.actorUserId,
      lowBalanceThresholdSeconds: input.lowBalanceThresholdSeconds,
      openedAt: input.openedAt,
    });
    const now = new Date().toISOString();
    const id = randomUUID();
    await tx
      .insertInto('ta_customer_time_accounts')
      .values({ id, customer_id: input.customerId, time_account_id: account.id, name, created_at: now, updated_at: now })
      .execute();
    return {
      customerTimeAccountId: id,
      timeAccountId: account.id,
      customerId: input.customerId,
      name,
      balanceSeconds: account.balanceSeconds,
      isActive: true,
      lowBalanceThresholdSeconds: input.lowBalanceThresholdSeconds ?? null,
    };
  });
}

/**
 * Deactivates (or reactivates) the TimeAccount behind a customer time account. Deactivating requires
 * can_delete_time_accounts, reactivating can_create_time_accounts, for that customer. The ledger is kept;
 * an account shared with another customer can only be switched on the staff path.
 */
export async function setCustomerTimeAccountActive(db: Tx, input: Actor & { customerTimeAccountId: string; active: boolean }): Promise<CustomerTimeAccountView> {
  return transaction(db, async (tx) => {
    const label = isUuid(input.customerTimeAccountId)
      ? await tx.selectFrom('ta_customer_time_accounts').selectAll().where('id', '=', input.customerTimeAccountId).executeTakeFirst()
      : undefined;
    if (!label) throw new NotFound('Zeitkonto nicht gefunden');
    if (!(await staffAuthority(tx, input))) {
      const ability = input.active ? 'can_create_time_accounts' : 'can_delete_time_accounts';
      if (!(await hasRole(tx, input.actorUserId!, label.customer_id, 'time_account_manager', ability))) {
        throw new PermissionDenied('Sie dürfen Zeitkonten dieses Kunden nicht ändern.');
      }
      const shared = await tx
        .selectFrom('ta_customer_time_accounts')
        .select('id')
        .where('time_account_id', '=', label.time_account_id)
        .where('customer_id', '<>', label.customer_id)
        .executeTakeFirst();
      if (shared) throw new PermissionDenied('Dieses Zeitkonto wird auch von einem anderen Kunden genutzt.');
    }
    await tx
      .updateTable('ta_time_accounts')
      .set({ is_active: input.active, updated_at: new Date().toISOString() })
      .where('id', '=', label.time_account_id)
      .execute();
    return (await customerTimeAccount(tx, label.id))!;
  });
}

function customerTimeAccountQuery(db: Tx) {
  return db
    .selectFrom('ta_customer_time_accounts as l')
    .innerJoin('ta_time_accounts as a', 'a.id', 'l.time_account_id')
    .select([
      'l.id as customerTimeAccountId',
      'a.id as timeAccountId',
      'l.customer_id as customerId',
      'l.name as name',
      'a.balance_seconds as balanceSeconds',
      // under its registered column name, so SQLite hands it back as a boolean (not 0/1)
      'a.is_active',
      'a.low_balance_threshold_seconds as lowBalanceThresholdSeconds',
    ]);
}

type CustomerTimeAccountRow = Awaited<ReturnType<ReturnType<typeof customerTimeAccountQuery>['executeTakeFirstOrThrow']>>;

function toView({ is_active, ...row }: CustomerTimeAccountRow): CustomerTimeAccountView {
  const threshold = row.lowBalanceThresholdSeconds;
  return { ...row, balanceSeconds: Number(row.balanceSeconds), isActive: is_active, lowBalanceThresholdSeconds: threshold === null ? null : Number(threshold) };
}

/** The time accounts labelled for a customer, by name, with balances. */
export async function customerTimeAccounts(db: Tx, customerId: string): Promise<CustomerTimeAccountView[]> {
  const rows = await customerTimeAccountQuery(db).where('l.customer_id', '=', customerId).orderBy('l.name').orderBy('l.id').execute();
  return rows.map(toView);
}

/** One customer time account (label) with its balance, or undefined for an unknown id. No permission check. */
export async function customerTimeAccount(db: Tx, customerTimeAccountId: string): Promise<CustomerTimeAccountView | undefined> {
  if (!isUuid(customerTimeAccountId)) return undefined;
  const row = await customerTimeAccountQuery(db).where('l.id', '=', customerTimeAccountId).executeTakeFirst();
  return row && toView(row);
}

/** The customers' labels of one time account (an account may be shared), oldest first. No permission check. */
export async function labelsOfTimeAccount(db: Tx, timeAccountId: string): Promise<CustomerTimeAccountView[]> {
  if (!isUuid(timeAccountId)) return [];
  const rows = await customerTimeAccountQuery(db).where('l.time_account_id', '=', timeAccountId).orderBy('l.created_at').orderBy('l.id').execute();
  return rows.map(toView);
}

/**
 * Sets (or clears with null) the low-balance warning threshold of the account behind a customer time
 * account. Any time-account manager of that customer may (the warning is theirs), and staff.
 */
export async function setLowBalanceThreshold(
  db: Tx,
  input: Actor & { customerTimeAccountId: string; seconds: number | null },
): Promise<CustomerTimeAccountView> {
  const seconds = input.seconds;
  if (seconds !== null && (!Number.isSafeInteger(seconds) || seconds < 0)) throw new InvalidInput('Die Warnschwelle muss eine Zahl ≥ 0 sein.');
  return transaction(db, async (tx) => {
    const account = await customerTimeAccount(tx, input.customerTimeAccountId);
    if (!account) throw new NotFound('Zeitkonto nicht gefunden');
    if (!(await staffAuthority(tx, input)) && !(await hasRole(tx, input.actorUserId!, account.customerId, 'time_account_manager'))) {
      throw new PermissionDenied('Sie dürfen Zeitkonten dieses Kunden nicht ändern.');
    }
    await tx
      .updateTable('ta_time_accounts')
      .set({ low_balance_threshold_seconds: seconds, updated_at: new Date().toISOString() })
      .where('id', '=', account.timeAccountId)
      .execute();
    return { ...account, lowBalanceThresholdSeconds: seconds };
  });
}

export interface TimeAccountSummary {
  id: string;
  name: string | null;
  balanceSeconds: number;
  isActive: boolean;
  lowBalanceThresholdSeconds: number | null;
  /** Customers the account is labelled for (customer time accounts). */
  customerIds: string[];
}

/** Time accounts by name (ties by id): all, or those with the given ids; at most `limit`, with their customers. */
export async function timeAccountSummaries(db: Tx, filter: { ids?: readonly string[]; limit?: number } = {}): Promise<TimeAccountSummary[]> {
  if (filter.ids && !filter.ids.length) return [];
  let query = db
    .selectFrom('ta_time_accounts')
    .select(['id', 'name', 'balance_seconds', 'is_active', 'low_balance_threshold_seconds'])
    .orderBy('name')
    .orderBy('id')
    .limit(filter.limit ?? 1000);
  if (filter.ids) query = query.where('id', 'in', [...filter.ids]);
  const accounts = await query.execute();
  if (!accounts.length) return [];
  const links = await db
    .selectFrom('ta_customer_time_accounts')
    .select(['time_account_id', 'customer_id'])
    .where('time_account_id', 'in', accounts.map((a) => a.id))
    .execute();
  return accounts.map((a) => ({
    id: a.id,
    name: a.name,
    balanceSeconds: Number(a.balance_seconds),
    isActive: a.is_active,
    lowBalanceThresholdSeconds: a.low_balance_threshold_seconds === null ? null : Number(a.low_balance_threshold_seconds),
    customerIds: links.filter((l) => l.time_account_id === a.id).map((l) => l.customer_id),
  }));
}

/** Ids of the time accounts labelled for any of `customerIds`. */
export async function timeAccountIdsOfCustomers(db: Tx, customerIds: readonly string[]): Promise<string[]> {
  if (!customerIds.length) return [];
  const rows = await db.selectFrom('ta_customer_time_accounts').select('time_account_id').where('customer_id', 'in', [...customerIds]).execute();
  return rows.map((r) => r.time_account_id);
}

/** True when the TimeAccount is labelled for the customer (a customer-side user may only use their own accounts). */
export async function timeAccountBelongsTo(db: Tx, timeAccountId: string, customerId: string): Promise<boolean> {
  if (!isUuid(timeAccountId)) return false;
  const row = await db
    .selectFrom('ta_customer_time_accounts')
    .select('id')
    .where('time_account_id', '=', timeAccountId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return row !== undefined;
}
