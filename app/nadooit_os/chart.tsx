import { axis, fmt, niceStep } from '../core/ui/chart-axis.js';
import type { Language } from '../core/ui/i18n.js';
import { formatDuration, formatMoney } from '../core/ui/format.js';
import type { BucketUnit, LocalParts } from './periods.js';

export interface ChartPoint {
  local: LocalParts;
  seconds: number;
  priceMicro: number;
  /** A bucket that has not begun yet: labelled, but the cost line stops before it. */
  future?: boolean;
}

/** Wide enough to fill a desktop card at about its natural text size (the SVG scales to the card's width). */
const WIDTH = 1080;
const HEIGHT = 260;
const PAD = { left: 60, right: 80, top: 16, bottom: 32 };

function monthName(month: number, language: Language): string {
  return new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', { month: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2000, month - 1, 1)));
}

/**
 * The axis label of a bucket. Days name their month on the first label and on each 1st ("1. Mär"), months
 * their year on the first label and in January ("Jan 26"), so a range across months or years reads right.
 */
function label(local: LocalParts, unit: BucketUnit, language: Language, first = false): string {
  if (unit === 'hour') return String(local.hour).padStart(2, '0');
  if (unit === 'day') return first || local.day === 1 ? `${local.day}. ${monthName(local.month, language)}` : `${local.day}.`;
  return first || local.month === 1 ? `${monthName(local.month, language)} ${String(local.year).slice(2)}` : monthName(local.month, language);
}

export { axis, niceStep };

/** A bucket that starts a month (days) or a year (months): always labelled, with its month or year. */
function starts(local: LocalParts, unit: BucketUnit): boolean {
  return unit === 'day' ? local.day === 1 : unit === 'month' ? local.month === 1 : local.hour === 0;
}

/**
 * Which buckets get an axis label (its CSS class, or '' for none): the first and every month (year) start,
 * and every n-th bucket (at most about 24 labels) not too close to one of those. Every second regular label
 * is marked "minor" (for narrow layouts that want fewer).
 */
function tickClasses(points: ChartPoint[], unit: BucketUnit): string[] {
  const every = Math.ceil(points.length / 24);
  const major = points.map((p, i) => i === 0 || starts(p.local, unit));
  const nearMajor = (i: number) => major.some((m, j) => m && j !== i && Math.abs(i - j) < every);
  return points.map((_, i) => {
    if (major[i]) return 'tick';
    if (i % every !== 0 || nearMajor(i)) return '';
    return (i / every) % 2 === 0 ? 'tick' : 'tick tick-minor';
  });
}

/**
 * Time saved (bars, hours, left axis) and cost (line, €, right axis) per bucket, drawn on the server as
 * SVG: no chart library, no script, works under the strict CSP and without JavaScript.
 */
export function TimeAndCostChart(props: {
  points: ChartPoint[];
  unit: BucketUnit;
  language: Language;
  title: string;
  hoursLabel: string;
  costLabel: string;
}): JSX.Element {
  const { points, unit, language } = props;
  const innerWidth = WIDTH - PAD.left - PAD.right;
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const hours = axis(Math.max(0, ...points.map((p) => p.seconds / 3600)));
  const euros = axis(Math.max(0, ...points.map((p) => p.priceMicro / 1e6)), hours.count);
  const maxHours = hours.top;
  const maxEuro = euros.top;
  const slot = points.length ? innerWidth / points.length : innerWidth;
  const barWidth = Math.max(1, slot * 0.7);
  const y = (fraction: number) => PAD.top + innerHeight * (1 - fraction);
  const tickClass = tickClasses(points, unit);
  const drawn = points.map((p, i) => ({ p, i })).filter(({ p }) => !p.future);
  const linePath = drawn.map(({ p, i }, n) => `${n === 0 ? 'M' : 'L'}${fmt(PAD.left + slot * (i + 0.5))},${fmt(y(p.priceMicro / 1e6 / maxEuro))}`).join(' ');
  const ticks = Array.from({ length: hours.count + 1 }, (_, i) => i / hours.count);
  const number = new Intl.NumberFormat(language === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: 2 });
  return (
    <figure class="chart chart-wide mb-0">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={props.title} xmlns="http://www.w3.org/2000/svg">
        <title safe>{props.title}</title>
        {ticks.map((t) => (
          <g>
            <line class="grid" x1={PAD.left} x2={WIDTH - PAD.right} y1={fmt(y(t))} y2={fmt(y(t))} />
            <text x={PAD.left - 6} y={fmt(y(t) + 4)} text-anchor="end" safe>
              {number.format(maxHours * t)}
            </text>
            <text x={WIDTH - PAD.right + 6} y={fmt(y(t) + 4)} text-anchor="start" safe>
              {`${number.format(maxEuro * t)} €`}
            </text>
          </g>
        ))}
        {points.map((p, i) => {
          const h = (p.seconds / 3600 / maxHours) * innerHeight;
          const x = PAD.left + slot * i + (slot - barWidth) / 2;
          return (
            <g>
              <rect class="bar" x={fmt(x)} y={fmt(PAD.top + innerHeight - h)} width={fmt(barWidth)} height={fmt(h)}>
                <title safe>{`${label(p.local, unit, language, true)} · ${formatDuration(p.seconds)} · ${formatMoney(p.priceMicro, language)}`}</title>
              </rect>
              {tickClass[i] ? (
                <text class={tickClass[i]} x={fmt(PAD.left + slot * (i + 0.5))} y={HEIGHT - 8} text-anchor="middle" safe>
                  {label(p.local, unit, language, i === 0)}
                </text>
              ) : (
                ''
              )}
            </g>
          );
        })}
        {drawn.length ? <path class="line" d={linePath} /> : ''}
        {drawn.map(({ p, i }) => (
          <circle class="dot" cx={fmt(PAD.left + slot * (i + 0.5))} cy={fmt(y(p.priceMicro / 1e6 / maxEuro))} r="2.5" />
        ))}
      </svg>
      <figcaption class="chart-legend small text-muted">
        <span class="legend-bar"></span>
        <span safe>{props.hoursLabel}</span>
        <span class="legend-line ms-3"></span>
        <span safe>{props.costLabel}</span>
      </figcaption>
    </figure>
  );
}
