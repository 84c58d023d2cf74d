import type { Tx } from '../core/db/transaction.js';
import { billableSecondsOf, quote, tierFor, tiersOf } from '../nadooit_api_executions_system/pricing.js';
import type { Tier } from '../nadooit_api_executions_system/pricing.js';
import type { CustomerProgram } from '../nadooit_program_ownership_system/services.js';

/**
 * What the programs page shows about a customer program's price, computed with the executions app's own
 * pricing (quote/tierFor), so the dashboard can never disagree with what a booking will cost.
 */
export interface PriceInfo {
  pricingMode: CustomerProgram['pricing_mode'];
  /** Micro-units per uncovered second at the current tier (fixed: the program's price). */
  pricePerSecond: number;
  /** Price of one run of the default length without prepaid time. */
  pricePerRun: number;
  /** Tiered only: the next cheaper tier and the price per run there (D13: in hours, from the tier table). */
  next: { fromSeconds: number; pricePerSecond: number; pricePerRun: number } | null;
  billableSeconds: number;
}

export function priceInfoFrom(cp: Pick<CustomerProgram, 'pricing_mode' | 'price_per_second' | 'program_time_saved_per_execution_in_seconds'>, tiers: readonly Tier[], billableSeconds: number): PriceInfo {
  const at = (cumulative: number) =>
    quote({
      pricingMode: cp.pricing_mode,
      billableSeconds: cp.program_time_saved_per_execution_in_seconds,
      pricePerSecond: cp.price_per_second,
      tiers,
      cumulativeBillableSeconds: cumulative,
    });
  const now = at(billableSeconds);
  let next: PriceInfo['next'] = null;
  if (cp.pricing_mode === 'tiered') {
    const current = tierFor(tiers, billableSeconds);
    const following = tiers.filter((t) => t.fromSeconds > current.fromSeconds).sort((a, b) => a.fromSeconds - b.fromSeconds)[0];
    if (following) {
      const there = at(following.fromSeconds);
      next = { fromSeconds: following.fromSeconds, pricePerSecond: there.pricePerSecond, pricePerRun: there.price };
    }
  }
  return { pricingMode: cp.pricing_mode, pricePerSecond: now.pricePerSecond, pricePerRun: now.price, next, billableSeconds };
}

export async function priceInfo(db: Tx, cp: CustomerProgram): Promise<PriceInfo> {
  const [tiers, billable] = await Promise.all([cp.pricing_mode === 'tiered' ? tiersOf(db, cp.id) : Promise.resolve([]), billableSecondsOf(db, cp.id)]);
  return priceInfoFrom(cp, tiers, billable);
}
