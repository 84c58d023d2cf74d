import { randomUUID } from 'node:crypto';
import { transaction } from '../core/db/transaction.js';
import type { Tx } from '../core/db/transaction.js';
import { staffAuthority } from '../nadooit_hr/actor.js';
import type { Actor } from '../nadooit_hr/actor.js';
import { InvalidCustomer, InvalidInput, NotFound, PermissionDenied } from '../nadooit_hr/errors.js';
import { hasRole } from '../nadooit_hr/permissions.js';
import { customerExists, isUuid } from '../nadooit_hr/services/contracts.js';
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
  input: Actor & { customerId: string; name: string; openingBalanceSeconds?: number; lowBalanceThresholdSeconds?: number | null },
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
    return (await customerTimeAccounts(tx, label.customer_id)).find((a) => a.customerTimeAccountId === label.id)!;
  });
}

/** The time accounts labelled for a customer, by name, with balances. */
export async function customerTimeAccounts(db: Tx, customerId: string): Promise<CustomerTimeAccountView[]> {
  const rows = await db
    .selectFrom('ta_customer_time_accounts as l')
    .innerJoin('ta_time_accounts as a', 'a.id', 'l.time_account_id')
    .where('l.customer_id', '=', customerId)
    .select([
      'l.id as customerTimeAccountId',
      'a.id as timeAccountId',
      'l.customer_id as customerId',
      'l.name as name',
      'a.balance_seconds as balanceSeconds',
      'a.is_active as isActive',
      'a.low_balance_threshold_seconds as lowBalanceThresholdSeconds',
    ])
    .orderBy('l.name')
    .orderBy('l.id')
    .execute();
  return rows.map((r) => ({ ...r, balanceSeconds: Number(r.balanceSeconds), isActive: Boolean(r.isActive) }));
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

/** "H std : M min : S sek" without zero padding (spec §6.4); "-" for null. */
export function formatDuration(totalSeconds: number | null | undefined): string {
  if (totalSeconds === null || totalSeconds === undefined) return '-';
  const t = Math.trunc(totalSeconds);
  return `${Math.floor(t / 3600)} std : ${Math.floor((t % 3600) / 60)} min : ${Math.floor(t % 60)} sek`;
}
