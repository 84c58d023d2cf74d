import { beta } from './random.js';
import type { Random } from './random.js';

/** A winner is declared when one order is best with at least this posterior probability. */
export const WINNER_PROBABILITY = 0.95;
/** Posterior draws per order for the probability of being best and the credible intervals. */
export const DRAWS = 20_000;

export interface ArmCounts {
  orderId: string;
  sessions: number;
  conversions: number;
}

export interface ArmEstimate extends ArmCounts {
  /** Posterior mean of the conversion rate under a uniform Beta(1, 1) prior. */
  rate: number;
  /** The 95 % equal-tailed credible interval of the rate. */
  low: number;
  high: number;
  /** Posterior probability that this order has the highest rate. */
  probabilityBest: number;
}

const quantile = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))]!;

/**
 * Beta-Binomial posteriors of every order and, by joint Monte Carlo draws, the probability that each is the
 * best — the share Thompson sampling would give it. Deterministic for a seeded `random`.
 */
export function estimate(arms: ArmCounts[], random: Random, draws = DRAWS): ArmEstimate[] {
  const samples = arms.map(() => new Float64Array(draws));
  const wins = arms.map(() => 0);
  for (let n = 0; n < draws; n++) {
    let best = -1;
    let bestValue = -1;
    arms.forEach((arm, i) => {
      const value = beta(1 + arm.conversions, 1 + Math.max(0, arm.sessions - arm.conversions), random);
      samples[i]![n] = value;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    });
    if (best >= 0) wins[best]! += 1;
  }
  return arms.map((arm, i) => {
    const sorted = samples[i]!.sort();
    return {
      ...arm,
      rate: (1 + arm.conversions) / (2 + arm.sessions),
      low: quantile(sorted, 0.025),
      high: quantile(sorted, 0.975),
      probabilityBest: wins[i]! / draws,
    };
  });
}

export interface AllocationPolicy {
  /** Sessions every order needs before the bandit moves traffic (until then: an even split). */
  minSessions: number;
  /** The share every order keeps at least (0–1); an even split when orders × floor ≥ 1. */
  floorShare: number;
}

export type Phase = 'burn_in' | 'bandit';

export interface Allocation {
  phase: Phase;
  /** Traffic share per order, in the order of `estimates`; sums to 1. */
  shares: number[];
  /** The order declared best (probability ≥ 95 %), once every order has its minimum sample. */
  winner: string | null;
}

/**
 * Thompson sampling as a scheduled allocation: each order's share is its probability of being best
 * (what per-visitor Thompson draws converge to), mixed with the floor share so no order starves, and an
 * even split while any order still lacks its minimum sample.
 */
export function allocate(estimates: ArmEstimate[], policy: AllocationPolicy): Allocation {
  const k = estimates.length;
  if (k === 0) return { phase: 'burn_in', shares: [], winner: null };
  const even = estimates.map(() => 1 / k);
  if (estimates.some((e) => e.sessions < policy.minSessions)) return { phase: 'burn_in', shares: even, winner: null };
  const leader = estimates.reduce((a, b) => (b.probabilityBest > a.probabilityBest ? b : a));
  const winner = k > 1 && leader.probabilityBest >= WINNER_PROBABILITY ? leader.orderId : null;
  const floor = Math.max(0, policy.floorShare);
  if (floor * k >= 1) return { phase: 'bandit', shares: even, winner };
  const total = estimates.reduce((sum, e) => sum + e.probabilityBest, 0) || 1;
  const shares = estimates.map((e) => floor + (1 - floor * k) * (e.probabilityBest / total));
  return { phase: 'bandit', shares, winner };
}

/** Picks an index with probability proportional to `shares`. */
export function pick(shares: number[], random: Random): number {
  const total = shares.reduce((a, b) => a + b, 0);
  let r = random() * total;
  for (let i = 0; i < shares.length; i++) {
    r -= shares[i]!;
    if (r < 0) return i;
  }
  return shares.length - 1;
}
