import type { Tx } from '../../core/db/transaction.js';
import { cachedTables, writeWatchOf } from '../../core/db/write-watch.js';
import { KeyCache } from '../../nadooit_api_key/services/key-cache.js';
import { isEmployedAt } from '../../nadooit_hr/permissions.js';
import { getCustomerProgram } from '../../nadooit_program_ownership_system/services.js';
import type { CustomerProgram } from '../../nadooit_program_ownership_system/services.js';

/**
 * The bot API's read checks before a booking, cached like API keys (nadooit_api_key/services/key-cache.ts):
 * an answer is at most a second old, and dropped at once when this process wrote to a table it came from.
 * So an ended contract or a deactivated program is refused at once here and within a second in other
 * processes (as soon as Redis brings the message: core/db/invalidation.ts). The booking batch reads the program again:
 * inside its transaction, or, when it runs optimistically on PostgreSQL, through this cache
 * (services/booking-batch.ts).
 */
const PROGRAM_TABLES = cachedTables('pos_customer_programs');
const EMPLOYMENT_TABLES = cachedTables('hr_employee_contracts', 'hr_employees', 'users');

const caches = new WeakMap<object, { programs: KeyCache<CustomerProgram>; employment: KeyCache<boolean> }>();

function cachesOf(db: Tx) {
  const adapter = db.getExecutor().adapter;
  let entry = caches.get(adapter);
  if (!entry) caches.set(adapter, (entry = { programs: new KeyCache(), employment: new KeyCache() }));
  return entry;
}

export async function customerProgramForBooking(db: Tx, id: string): Promise<CustomerProgram | undefined> {
  const generation = writeWatchOf(db).generation(PROGRAM_TABLES);
  const { programs } = cachesOf(db);
  // Unknown ids are not cached (nothing to gain from guessing).
  return programs.through(db, id, generation, () => getCustomerProgram(db, id));
}

export async function employedForBooking(db: Tx, userId: string, customerId: string): Promise<boolean> {
  const generation = writeWatchOf(db).generation(EMPLOYMENT_TABLES);
  const { employment } = cachesOf(db);
  return (await employment.through(db, `${userId}|${customerId}`, generation, () => isEmployedAt(db, userId, [customerId]))) ?? false;
}
