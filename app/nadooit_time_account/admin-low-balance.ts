import type { ListPreset } from '../core/admin/types.js';
import { listAccountsBelowLowBalance } from './low-balance.js';

export const LOW_BALANCE_PRESET = 'below_low_balance';

/**
 * The time-account list's filter "below the warning level" (`f.below_low_balance=1`): the accounts
 * `listAccountsBelowLowBalance` names (own threshold, else 14 days of use), at most 1000.
 */
export const lowBalancePreset: ListPreset = {
  name: LOW_BALANCE_PRESET,
  label: { de: 'Unter der Warnschwelle', en: 'Below the warning level' },
  ids: async (db) => (await listAccountsBelowLowBalance(db)).map((a) => a.timeAccountId),
};
