import { LineChart } from '../../core/ui/charts.js';
import type { Language, Translate } from '../../core/ui/i18n.js';
import type { ExperimentResults } from '../services/experiment.js';

const percent = (ppm: number, language: Language, digits = 1) =>
  new Intl.NumberFormat(language === 'de' ? 'de-DE' : 'en-GB', { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(ppm / 1_000_000);

/** The share of an order's sessions that reached the last section (the secondary metric). */
const reachedEnd = (arm: { sessions: number; secondary: number }, language: Language): string =>
  arm.sessions ? percent(Math.round((arm.secondary / arm.sessions) * 1_000_000), language) : '–';

const timeOf = (iso: string, language: Language, timeZone: string) =>
  new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'short', timeStyle: 'short', timeZone }).format(new Date(iso));

/**
 * The results of one experiment as staff read them: the state of the split, and per order its share,
 * sessions, conversions, rate with 95 % credible interval, probability of being best and the secondary
 * metric — then each order's traffic share over time.
 */
export function ExperimentResultsView({ results, t, language, timeZone }: { results: ExperimentResults; t: Translate; language: Language; timeZone: string }): JSX.Element {
  if (!results.computedAt) return <p class="text-muted small" id="experiment-results" safe>{t('website.exp.not_computed')}</p>;
  const p = results.srmPPpm === null ? null : (results.srmPPpm / 1_000_000).toPrecision(2);
  const winner = results.winnerOrderId ? results.orderNames.get(results.winnerOrderId) ?? results.winnerOrderId : null;
  const ids = [...results.orderNames.keys()];
  return (
    <div id="experiment-results">
      <p class="small text-muted mb-2" safe>
        {`${t('website.exp.computed_at', { at: timeOf(results.computedAt, language, timeZone) })} · ${t(`website.exp.phase.${results.phase}`)}`}
      </p>
      {results.srmMismatch ? (
        <div class="alert alert-danger" role="alert" id="experiment-srm" safe>{t('website.exp.srm.mismatch', { p: p ?? '–' })}</div>
      ) : (
        <p class="small" id="experiment-srm" safe>{p === null ? t('website.exp.srm.untested') : t('website.exp.srm.ok', { p })}</p>
      )}
      {winner ? (
        <div class="alert alert-success" id="experiment-winner" safe>{t('website.exp.winner', { name: winner })}</div>
      ) : (
        <p class="small text-muted" id="experiment-winner" safe>{t('website.exp.no_winner')}</p>
      )}
      <div class="table-responsive">
        <table class="table table-sm align-middle" id="experiment-arms">
          <thead>
            <tr>
              <th safe>{t('website.exp.col.order')}</th>
              <th class="text-end" safe>{t('website.exp.col.share')}</th>
              <th class="text-end" safe>{t('website.exp.col.sessions')}</th>
              <th class="text-end" safe>{t('website.exp.col.conversions')}</th>
              <th class="text-end" safe>{t('website.exp.col.rate')}</th>
              <th class="text-end" safe>{t('website.exp.col.best')}</th>
              <th class="text-end" safe>{t('website.exp.col.secondary')}</th>
            </tr>
          </thead>
          <tbody>
            {results.arms.map((arm) => (
              <tr data-order-id={arm.orderId}>
                <td safe>{arm.orderName}</td>
                <td class="text-end" safe>{percent(arm.sharePpm, language)}</td>
                <td class="text-end" safe>{String(arm.sessions)}</td>
                <td class="text-end" safe>{String(arm.conversions)}</td>
                <td class="text-end" safe>{`${percent(arm.ratePpm, language)} (${percent(arm.lowPpm, language)} – ${percent(arm.highPpm, language)})`}</td>
                <td class="text-end" safe>{percent(arm.probabilityBestPpm, language)}</td>
                <td class="text-end" safe>{reachedEnd(arm, language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LineChart
        title={t('website.exp.chart.share')}
        labels={results.history.map((h) => timeOf(h.at, language, timeZone))}
        series={ids.map((id) => ({ name: results.orderNames.get(id)!, values: results.history.map((h) => h.shares.get(id) ?? null) }))}
        max={1}
        format={(v) => percent(Math.round(v * 1_000_000), language, 0)}
      />
    </div>
  );
}
