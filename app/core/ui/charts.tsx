import { axis, fmt } from './chart-axis.js';

/**
 * Small SVG charts drawn on the server: no chart library, no script, no inline style (colours are SVG
 * presentation attributes), so they work under the strict CSP and without JavaScript. Every mark carries
 * a <title> with its exact value for a tooltip and for screen readers.
 */

const WIDTH = 720;
const HEIGHT = 240;
const PAD = { left: 56, right: 16, top: 16, bottom: 28 };
const INNER_W = WIDTH - PAD.left - PAD.right;
const INNER_H = HEIGHT - PAD.top - PAD.bottom;

/** Distinguishable series colours (Okabe–Ito), readable on white. */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

export interface ChartFrame {
  title: string;
  /** Formats a y value for the axis and the tooltips. */
  format?: (value: number) => string;
  /** Fixes the top of the y axis (e.g. 1 for shares); else it covers the data. */
  max?: number;
}

function Grid({ top, count, format }: { top: number; count: number; format: (v: number) => string }): JSX.Element {
  const y = (fraction: number) => PAD.top + INNER_H * (1 - fraction);
  return (
    <>
      {Array.from({ length: count + 1 }, (_, i) => i / count).map((t) => (
        <g>
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={fmt(y(t))} y2={fmt(y(t))} stroke="#dee2e6" stroke-width="1" />
          <text x={PAD.left - 6} y={fmt(y(t) + 4)} text-anchor="end" font-size="11" fill="#6c757d" safe>
            {format(top * t)}
          </text>
        </g>
      ))}
    </>
  );
}

function XLabels({ labels }: { labels: string[] }): JSX.Element {
  const slot = labels.length ? INNER_W / labels.length : INNER_W;
  const every = Math.ceil(labels.length / 12);
  return (
    <>
      {labels.map((label, i) =>
        i % every === 0 ? (
          <text x={fmt(PAD.left + slot * (i + 0.5))} y={HEIGHT - 8} text-anchor="middle" font-size="11" fill="#6c757d" safe>
            {label}
          </text>
        ) : (
          ''
        ),
      )}
    </>
  );
}

const plain = (v: number) => new Intl.NumberFormat('de-DE', { maximumFractionDigits: 2 }).format(v);

/** One bar per label (e.g. visits per day, sessions per score band). */
export function BarChart(props: ChartFrame & { labels: string[]; values: number[]; colour?: string }): JSX.Element {
  const format = props.format ?? plain;
  const { top, count } = axis(props.max ?? Math.max(0, ...props.values));
  const slot = props.labels.length ? INNER_W / props.labels.length : INNER_W;
  const width = Math.max(1, slot * 0.7);
  return (
    <figure class="chart mb-0">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={props.title} xmlns="http://www.w3.org/2000/svg">
        <title safe>{props.title}</title>
        <Grid top={top} count={count} format={format} />
        {props.values.map((value, i) => {
          const h = top > 0 ? (value / top) * INNER_H : 0;
          return (
            <rect class="bar" x={fmt(PAD.left + slot * i + (slot - width) / 2)} y={fmt(PAD.top + INNER_H - h)} width={fmt(width)} height={fmt(h)} fill={props.colour ?? SERIES_COLOURS[0]}>
              <title safe>{`${props.labels[i]}: ${format(value)}`}</title>
            </rect>
          );
        })}
        <XLabels labels={props.labels} />
      </svg>
    </figure>
  );
}

export interface Series {
  name: string;
  /** One value per label; null leaves a gap. */
  values: Array<number | null>;
}

/** Lines over shared labels (e.g. each order's traffic share at every run of the job), with a legend. */
export function LineChart(props: ChartFrame & { labels: string[]; series: Series[] }): JSX.Element {
  const format = props.format ?? plain;
  const all = props.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const { top, count } = axis(props.max ?? Math.max(0, ...all));
  const slot = props.labels.length ? INNER_W / props.labels.length : INNER_W;
  const x = (i: number) => PAD.left + slot * (i + 0.5);
  const y = (v: number) => PAD.top + INNER_H * (1 - (top > 0 ? v / top : 0));
  return (
    <figure class="chart mb-0">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={props.title} xmlns="http://www.w3.org/2000/svg">
        <title safe>{props.title}</title>
        <Grid top={top} count={count} format={format} />
        {props.series.map((series, n) => {
          const colour = SERIES_COLOURS[n % SERIES_COLOURS.length]!;
          let path = '';
          let open = false;
          series.values.forEach((v, i) => {
            if (v === null) {
              open = false;
              return;
            }
            path += `${open ? 'L' : 'M'}${fmt(x(i))},${fmt(y(v))} `;
            open = true;
          });
          return (
            <g class="series">
              {path ? <path class="line" d={path.trim()} fill="none" stroke={colour} stroke-width="2" /> : ''}
              {series.values.map((v, i) =>
                v === null ? (
                  ''
                ) : (
                  <circle class="dot" cx={fmt(x(i))} cy={fmt(y(v))} r="2.5" fill={colour}>
                    <title safe>{`${series.name} · ${props.labels[i]}: ${format(v)}`}</title>
                  </circle>
                ),
              )}
            </g>
          );
        })}
        <XLabels labels={props.labels} />
      </svg>
      <figcaption class="chart-legend small text-muted d-flex flex-wrap gap-3">
        {props.series.map((series, n) => (
          <span>
            <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
              <rect width="12" height="12" fill={SERIES_COLOURS[n % SERIES_COLOURS.length]} />
            </svg>{' '}
            <span safe>{series.name}</span>
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
