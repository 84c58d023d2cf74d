/**
 * DASHBOARD DATA ACCESS NOT (YET) OFFERED BY THE BUSINESS SERVICES.
 *
 * Everything else the dashboard reads or writes goes through the owning app's services. The few queries
 * those services do not offer yet live here and only here, so each can be swapped for a service call in
 * one place. No permission decision is made in this file: callers check roles with the permission service.
 */
import type { Tx } from '../core/db/transaction.js';
import { InvalidInput } from '../nadooit_hr/errors.js';
import { isUuid } from '../nadooit_hr/services/contracts.js';
import '../nadooit_time_account/models.js';

/** The customer time account (label) with this id, or undefined. Wanted from nadooit_time_account/services. */
export async function customerTimeAccountLabel(db: Tx, id: string): Promise<{ id: string; customerId: string; timeAccountId: string } | undefined> {
  if (!isUuid(id)) return undefined;
  return db
    .selectFrom('ta_customer_time_accounts')
    .select(['id', 'customer_id as customerId', 'time_account_id as timeAccountId'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Sets (or clears with null) an account's low-balance warning threshold. Wanted from nadooit_time_account/services. */
export async function setLowBalanceThreshold(db: Tx, timeAccountId: string, seconds: number | null): Promise<void> {
  if (seconds !== null && (!Number.isSafeInteger(seconds) || seconds < 0)) throw new InvalidInput('Die Warnschwelle muss eine Zahl ≥ 0 sein.');
  await db
    .updateTable('ta_time_accounts')
    .set({ low_balance_threshold_seconds: seconds, updated_at: new Date().toISOString() })
    .where('id', '=', timeAccountId)
    .execute();
}
