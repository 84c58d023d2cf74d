import { randomUUID } from 'node:crypto';
import { transaction } from '../core/db/transaction.js';
import type { Tx } from '../core/db/transaction.js';
import type { PricingMode } from '../nadooit_program_ownership_system/models.js';
import { divideHalfEven, multiply } from './money.js';
import './models.js';

export interface Tier {
  fromSeconds: number;
  pricePerHour: number;
}

export interface PriceQuote {
  pricingMode: PricingMode;
  /** Micro-units per second (tiered: rounded for display; the price itself is computed per hour). */
  pricePerSecond: number;
  tierPricePerHour: number | null;
  price: number;
}

/**
 * The tier for a customer program that has already used `cumulativeBillableSeconds`: the one with the
 * highest lower bound not above it (lower bounds are inclusive, as in the original's table).
 */
export function tierFor(tiers: readonly Tier[], cumulativeBillableSeconds: number): Tier {
  let chosen: Tier | undefined;
  for (const tier of tiers) {
    if (tier.fromSeconds <= cumulativeBillableSeconds && (!chosen || tier.fromSeconds > chosen.fromSeconds)) chosen = tier;
  }
  if (!chosen) throw new Error('the tier table has no tier starting at 0 seconds');
  return chosen;
}

/**
 * Price of `billableSeconds` uncovered seconds (legacy-core §4.2): fixed mode multiplies by the program's
 * price per second; tiered mode uses the hourly price of the tier reached by this customer program's own
 * cumulative billable seconds before this booking (the original's D1 mixed in other programs' bookings).
 */
export function quote(input: {
  pricingMode: PricingMode;
  billableSeconds: number;
  pricePerSecond: number;
  tiers: readonly Tier[];
  cumulativeBillableSeconds: number;
}): PriceQuote {
  if (input.pricingMode === 'fixed') {
    return {
      pricingMode: 'fixed',
      pricePerSecond: input.pricePerSecond,
      tierPricePerHour: null,
      price: multiply(input.billableSeconds, input.pricePerSecond),
    };
  }
  const tier = tierFor(input.tiers, input.cumulativeBillableSeconds);
  return {
    pricingMode: 'tiered',
    pricePerSecond: divideHalfEven(tier.pricePerHour, 3600),
    tierPricePerHour: tier.pricePerHour,
    price: divideHalfEven(BigInt(input.billableSeconds) * BigInt(tier.pricePerHour), 3600),
  };
}

/** The tier table that applies to a customer program: its own rows if it has any, else the default table. */
export async function tiersOf(db: Tx, customerProgramId: string): Promise<Tier[]> {
  const rows = await db
    .selectFrom('ex_price_tiers')
    .select(['customer_program_id', 'from_seconds', 'price_per_hour'])
    .where((eb) => eb.or([eb('customer_program_id', '=', customerProgramId), eb('customer_program_id', 'is', null)]))
    .orderBy('from_seconds')
    .execute();
  const own = rows.filter((r) => r.customer_program_id !== null);
  const chosen = own.length ? own : rows;
  return chosen.map((r) => ({ fromSeconds: r.from_seconds, pricePerHour: r.price_per_hour }));
}

/** Billable seconds a customer program has used so far: its position in the tier table (0 before its first booking). */
export async function billableSecondsOf(db: Tx, customerProgramId: string): Promise<number> {
  const row = await db
    .selectFrom('ex_customer_program_counters')
    .select('billable_seconds')
    .where('customer_program_id', '=', customerProgramId)
    .executeTakeFirst();
  return Number(row?.billable_seconds ?? 0);
}

/** customer program id → its running billable seconds, for a whole list in one query. */
export async function billableSecondsOfMany(db: Tx, customerProgramIds: readonly string[]): Promise<Map<string, number>> {
  if (!customerProgramIds.length) return new Map();
  const rows = await db
    .selectFrom('ex_customer_program_counters')
    .select(['customer_program_id', 'billable_seconds'])
    .where('customer_program_id', 'in', [...customerProgramIds])
    .execute();
  return new Map(rows.map((r) => [r.customer_program_id, Number(r.billable_seconds)]));
}

/** Replaces a customer program's own tier table (an empty list returns it to the default table). */
export async function setProgramTiers(db: Tx, customerProgramId: string, tiers: readonly Tier[]): Promise<void> {
  if (tiers.length && !tiers.some((t) => t.fromSeconds === 0)) throw new RangeError('a tier table must start at 0 seconds');
  await transaction(db, async (tx) => {
    await tx.deleteFrom('ex_price_tiers').where('customer_program_id', '=', customerProgramId).execute();
    if (!tiers.length) return;
    const now = new Date().toISOString();
    await tx
      .insertInto('ex_price_tiers')
      .values(
        tiers.map((t) => ({
          id: randomUUID(),
          customer_program_id: customerProgramId,
          from_seconds: t.fromSeconds,
          price_per_hour: t.pricePerHour,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  });
}
