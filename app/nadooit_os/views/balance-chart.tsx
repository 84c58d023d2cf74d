import { axis } from '../../core/ui/chart-axis.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { BalancePoint } from '../balance-forecast.js';
import { formatDate, formatDuration } from '../../core/ui/format.js';

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { left: 48, right: 16, top: 12, bottom: 28 };
const DAY = 86_400_000;
/** A forecast further out than this is not drawn (the text still says it). */
const FORECAST_HORIZON_DAYS = 400;

/**
 * The balance over time as an SVG line (server-drawn, no script): top-ups marked with a dot, the low-balance
 * threshold as a dashed line, and the forecast to zero dashed from today.
 */
export function BalanceChart(props: {
  ctx: PageContext;
  points: BalancePoint[];
  now: Date;
  threshold: number | null;
  runOut: Date | null;
  timeZone: string;
}): JSX.Element {
  const { ctx, now } = props;
  // The chart ends today (entries dated later only exist under a test clock).
  const points = props.points.filter((p) => p.at <= now.getTime());
  if (points.length < 2) return <p class="small text-muted mb-0" safe>{ctx.t('os.ta.chart.empty')}</p>;
  const start = points[0]!.at;
  const forecastEnd = props.runOut && props.runOut.getTime() - now.getTime() < FORECAST_HORIZON_DAYS * DAY ? props.runOut.getTime() : null;
  const end = Math.max(forecastEnd ?? now.getTime(), now.getTime(), points[points.length - 1]!.at) + DAY;
  const hours = (s: number) => s / 3600;
  const maxHours = Math.max(1, ...points.map((p) => hours(p.balance)), hours(props.threshold ?? 0));
  const y = axis(maxHours, 4);
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const px = (t: number) => PAD.left + ((t - start) / (end - start)) * innerW;
  const py = (seconds: number) => PAD.top + innerH - (Math.max(0, hours(seconds)) / y.top) * innerH;
  // A step line: the balance holds until the next entry.
  let path = `M${px(points[0]!.at).toFixed(1)},${py(points[0]!.balance).toFixed(1)}`;
  for (let i = 1; i < points.length; i++) path += ` H${px(points[i]!.at).toFixed(1)} V${py(points[i]!.balance).toFixed(1)}`;
  const last = points[points.length - 1]!;
  path += ` H${px(now.getTime()).toFixed(1)}`;
  const months = monthTicks(start, end);
  const monthLabel = new Intl.DateTimeFormat(ctx.language === 'de' ? 'de-DE' : 'en-GB', { month: 'short', year: '2-digit', timeZone: props.timeZone });
  return (
    <figure class="chart balance-chart mb-0" id="balance-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={ctx.t('os.ta.chart.title')}>
        {Array.from({ length: y.count + 1 }, (_, i) => {
          const value = (y.top / y.count) * i;
          const yy = PAD.top + innerH - (value / y.top) * innerH;
          return (
            <>
              <line class="grid" x1={String(PAD.left)} x2={String(WIDTH - PAD.right)} y1={yy.toFixed(1)} y2={yy.toFixed(1)} />
              <text x={String(PAD.left - 6)} y={(yy + 4).toFixed(1)} text-anchor="end" safe>{`${Math.round(value * 10) / 10} h`}</text>
            </>
          );
        })}
        {months.map((m) => (
          <text class="month" x={px(m).toFixed(1)} y={String(HEIGHT - 8)} text-anchor="middle" safe>
            {monthLabel.format(new Date(m))}
          </text>
        ))}
        {props.threshold !== null ? <line class="threshold" x1={String(PAD.left)} x2={String(WIDTH - PAD.right)} y1={py(props.threshold).toFixed(1)} y2={py(props.threshold).toFixed(1)} /> : ''}
        <path class="balance-line" d={path} />
        {forecastEnd ? <line class="forecast" x1={px(now.getTime()).toFixed(1)} y1={py(last.balance).toFixed(1)} x2={px(forecastEnd).toFixed(1)} y2={py(0).toFixed(1)} /> : ''}
        {points
          .filter((p) => p.topUp)
          .map((p) => (
            <circle class="top-up" cx={px(p.at).toFixed(1)} cy={py(p.balance).toFixed(1)} r="4">
              <title safe>{`${ctx.t('os.ta.kind.top_up')} · ${formatDate(new Date(p.at).toISOString(), props.timeZone, ctx.language)}`}</title>
            </circle>
          ))}
      </svg>
      <figcaption class="chart-legend small text-muted d-flex flex-wrap gap-3 mt-1">
        <span><span class="legend-line legend-balance"></span> <span safe>{ctx.t('os.ta.chart.balance')}</span></span>
        <span><span class="legend-dot"></span> <span safe>{ctx.t('os.ta.kind.top_up')}</span></span>
        {props.threshold !== null ? <span><span class="legend-line legend-threshold"></span> <span safe>{ctx.t('os.ta.chart.threshold', { threshold: formatDuration(props.threshold) })}</span></span> : ''}
      </figcaption>
    </figure>
  );
}

/** The first instant of each month between start and end, thinned to at most 8 labels. */
function monthTicks(start: number, end: number): number[] {
  const ticks: number[] = [];
  const d = new Date(start);
  let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  while (t < end) {
    ticks.push(t);
    const n = new Date(t);
    t = Date.UTC(n.getUTCFullYear(), n.getUTCMonth() + 1, 1);
  }
  const every = Math.ceil(ticks.length / 8);
  return ticks.filter((_, i) => i % every === 0);
}
