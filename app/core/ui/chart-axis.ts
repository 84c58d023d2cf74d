/** Axis scaling shared by the server-drawn SVG charts (dashboard, website statistics, experiment results). */

/** A round tick step (1, 2, 2.5, 5 × 10^n) at or above `value`. */
export function niceStep(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value - 1e-12) return step * magnitude;
  return 10 * magnitude;
}

/** An axis from 0 in `count` round steps (about four when not given) that covers `max`. */
export function axis(max: number, count?: number): { top: number; count: number } {
  if (count) {
    let step = niceStep(max / count);
    while (step * count < max) step = niceStep(step * 1.01);
    return { top: step * count, count };
  }
  const step = niceStep(max / 4);
  const steps = Math.max(1, Math.ceil(max / step - 1e-9));
  return { top: step * steps, count: steps };
}

/** Coordinates with one decimal (short SVG). */
export const fmt = (n: number) => (Math.round(n * 10) / 10).toString();
