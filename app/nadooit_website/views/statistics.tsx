import type { Children } from '@kitajs/html';
import { BarChart, LineChart } from '../../core/ui/charts.js';
import { Layout } from '../../core/ui/layout.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { ExperimentResults } from '../services/experiment.js';
import type { WebsiteStatistics } from '../services/statistics.js';
import { STATISTICS_PERIODS } from '../statistics-period.js';
import type { StatisticsPeriod } from '../statistics-period.js';
import { ExperimentResultsView } from './experiment-results.js';


const minutes = (ms: number, language: string) => new Intl.NumberFormat(language === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: 1 }).format(ms / 60_000) + ' min';

function Card({ title, id, children }: { title: string; id: string; children: Children }): JSX.Element {
  return (
    <section class="card mb-3" id={id}>
      <div class="card-header">
        <h2 class="h6 mb-0" safe>{title}</h2>
      </div>
      <div class="card-body">{children}</div>
    </section>
  );
}

/** The staff statistics of the website: per-day traffic, scores, the experiment and the sections visitors spend time on. */
export function StatisticsPage(props: {
  ctx: PageContext;
  period: StatisticsPeriod;
  stats: WebsiteStatistics;
  experiment: { id: string; name: string; status: string; goal: string; results: ExperimentResults } | null;
  timeZone: string;
}): JSX.Element {
  const { ctx, stats, period } = props;
  const t = ctx.t;
  const dayLabels = stats.days.map((d) => `${Number(d.day.slice(8, 10))}.${Number(d.day.slice(5, 7))}.`);
  const totals = {
    visits: stats.days.reduce((s, d) => s + d.visits, 0),
    sessions: stats.days.reduce((s, d) => s + d.sessions, 0),
    bots: stats.botSessions,
    conversions: stats.conversions,
  };
  return (
    <Layout ctx={ctx} title={t('website.stats.title')}>
      <main class="container py-4" id="website-statistics">
        <div class="d-flex flex-wrap justify-content-between align-items-center mb-3 gap-2">
          <h1 class="h3 mb-0" safe>{t('website.stats.title')}</h1>
          <nav class="btn-group btn-group-sm" aria-label={t('website.stats.periods')}>
            {STATISTICS_PERIODS.map((n) => (
              <a class={`btn ${n === period.days ? 'btn-primary' : 'btn-outline-primary'}`} href={`/website/statistics?days=${n}`} aria-current={n === period.days ? 'page' : undefined} safe>
                {t('website.stats.period', { days: n })}
              </a>
            ))}
          </nav>
        </div>
        <form method="get" action="/website/statistics" class="row g-2 align-items-end mb-3" id="statistics-range">
          <div class="col-6 col-sm-auto">
            <label class="form-label small mb-0" for="stats-from" safe>{t('website.stats.from')}</label>
            <input class="form-control form-control-sm" type="date" id="stats-from" name="from" value={period.fromDay} required />
          </div>
          <div class="col-6 col-sm-auto">
            <label class="form-label small mb-0" for="stats-to" safe>{t('website.stats.to')}</label>
            <input class="form-control form-control-sm" type="date" id="stats-to" name="to" value={period.toDay} required />
          </div>
          <div class="col-12 col-sm-auto">
            <button class="btn btn-sm btn-outline-primary" type="submit" safe>{t('website.stats.show')}</button>
          </div>
        </form>
        <p class="text-muted" id="statistics-totals" safe>{t('website.stats.totals', totals)}</p>
        <div class="row">
          <div class="col-lg-6">
            <Card title={t('website.stats.visits')} id="statistics-visits">
              <LineChart
                title={t('website.stats.visits')}
                labels={dayLabels}
                series={[
                  { name: t('website.stats.visits'), values: stats.days.map((d) => d.visits) },
                  { name: t('website.stats.sessions'), values: stats.days.map((d) => d.sessions) },
                ]}
              />
            </Card>
          </div>
          <div class="col-lg-6">
            <Card title={t('website.stats.scores')} id="statistics-scores">
              <BarChart title={t('website.stats.scores')} labels={stats.scoreBands.map((b) => b.label)} values={stats.scoreBands.map((b) => b.sessions)} />
            </Card>
          </div>
        </div>
        <Card title={props.experiment ? `${t('website.stats.experiment')}: ${props.experiment.name} (${t(`website.exp.status.${props.experiment.status}`)}, ${t(`website.exp.goal.${props.experiment.goal}`)})` : t('website.stats.experiment')} id="statistics-experiment">
          {props.experiment ? (
            <ExperimentResultsView results={props.experiment.results} t={t} language={ctx.language} timeZone={props.timeZone} />
          ) : (
            <p class="text-muted mb-0" safe>{t('website.exp.none')}</p>
          )}
        </Card>
        <Card title={t('website.stats.top_sections')} id="statistics-sections">
          {stats.topSections.length === 0 ? (
            <p class="text-muted mb-0" safe>{t('website.stats.empty')}</p>
          ) : (
            <>
              <BarChart title={t('website.stats.top_sections')} labels={stats.topSections.map((s) => s.name)} values={stats.topSections.map((s) => s.interactionMs / 60_000)} format={(v) => minutes(v * 60_000, ctx.language)} />
              <div class="table-responsive">
                <table class="table table-sm mb-0">
                  <thead>
                    <tr>
                      <th safe>{t('website.stats.col.section')}</th>
                      <th class="text-end" safe>{t('website.stats.col.time')}</th>
                      <th class="text-end" safe>{t('website.stats.col.seen')}</th>
                      <th class="text-end" safe>{t('website.stats.col.score')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {stats.topSections.map((s) => (
                      <tr data-section-id={s.sectionId}>
                        <td safe>{s.name}</td>
                        <td class="text-end" safe>{minutes(s.interactionMs, ctx.language)}</td>
                        <td class="text-end" safe>{String(s.seen)}</td>
                        <td class="text-end" safe>{String(s.score)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </Card>
      </main>
    </Layout>
  );
}
