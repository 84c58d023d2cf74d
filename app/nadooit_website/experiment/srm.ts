/**
 * Sample-ratio-mismatch check: are the sessions per order what the stored traffic shares promise? A
 * chi-square goodness-of-fit test per allocation period (its shares were fixed), summed over the periods.
 */

/** ln Γ(x) (Lanczos, g = 7). */
export function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The regularised upper incomplete gamma function Q(s, x) (series below s + 1, continued fraction above). */
export function upperGammaQ(s: number, x: number): number {
  if (x <= 0) return 1;
  const lead = -x + s * Math.log(x) - lnGamma(s);
  if (x < s + 1) {
    let term = 1 / s;
    let sum = term;
    for (let n = 1; n < 1000; n++) {
      term *= x / (s + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lead));
  }
  const tiny = 1e-300;
  let b = x + 1 - s;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(lead) * h);
}

/** P(χ²(df) ≥ statistic). */
export function chiSquareSurvival(statistic: number, df: number): number {
  if (df <= 0) return 1;
  return upperGammaQ(df / 2, statistic / 2);
}

export interface SrmPeriod {
  /** Sessions observed per order in this period. */
  observed: number[];
  /** The shares the period promised (they need not sum to exactly 1: they are normalised). */
  shares: number[];
}

/** Below this p-value the split is called a mismatch (the usual threshold of experiment platforms). */
export const SRM_P_THRESHOLD = 0.001;

/**
 * The combined p-value over the periods; periods with fewer than 5 expected sessions in some order are left
 * out (the chi-square approximation does not hold there). null when no period can be tested.
 */
export function srmPValue(periods: SrmPeriod[]): number | null {
  let statistic = 0;
  let df = 0;
  for (const period of periods) {
    const total = period.observed.reduce((a, b) => a + b, 0);
    const shareSum = period.shares.reduce((a, b) => a + b, 0);
    if (period.observed.length < 2 || total === 0 || shareSum <= 0) continue;
    const expected = period.shares.map((s) => (total * s) / shareSum);
    if (expected.some((e) => e < 5)) continue;
    statistic += period.observed.reduce((sum, o, i) => sum + (o - expected[i]!) ** 2 / expected[i]!, 0);
    df += period.observed.length - 1;
  }
  return df === 0 ? null : chiSquareSurvival(statistic, df);
}
