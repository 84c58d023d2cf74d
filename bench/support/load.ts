import { createRequire } from 'node:module';
import type { Result } from 'autocannon';

/**
 * autocannon as the benchmarks that set options its types do not list (`amount`, `workers`, `sampleInt`,
 * `overallRate`) call it: options in, the run's result out.
 */
export const autocannon = createRequire(import.meta.url)('autocannon') as (options: Record<string, unknown>) => Promise<Result>;

/**
 * autocannon options for a run of exactly `amount` requests. autocannon notices that the last one was
 * answered only at its next sample, once a second by default, so such runs measured whole seconds (4,000
 * requests done in 1.1 s counted as 2 s); with a 10 ms sample the duration is right to 10 ms.
 */
export function fixedAmount(amount: number): { amount: number; sampleInt: number } {
  return { amount, sampleInt: 10 };
}
