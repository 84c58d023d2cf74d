import { createdAt, relation, updatedAt } from '../core/admin/fields.js';
import { ActionError } from '../core/admin/types.js';
import type { AdminAction, AdminResource, Text } from '../core/admin/types.js';
import { CONVERSION_GOALS, EXPERIMENT_STATUSES } from './experiment/models.js';
import { statisticsMessages } from './messages-statistics.js';
import { DEFAULT_FLOOR_PERCENT, DEFAULT_MIN_SESSIONS, experimentResults, recomputeExperiment, runningExperimentId, shipWinner, startExperiment, stopExperiment } from './services/experiment.js';
import type { ConversionGoal } from './experiment/models.js';
import { ExperimentResultsView } from './views/experiment-results.js';
import './experiment/models.js';

const APP = 'nadooit_website';
const appLabel: Text = { de: 'Webseite', en: 'Website' };
const ro = { readOnly: true } as const;
const readOnly = { add: false, change: false } as const;
const message = (key: string): Text => ({ de: statisticsMessages.de[key]!, en: statisticsMessages.en[key]! });
const resource = (name: string, table: AdminResource['table'], label: Text, labelPlural: Text) => ({ app: APP, appLabel, name, table, label, labelPlural });

function experimentAction(name: string, label: Text, description: Text, run: (tx: Parameters<AdminAction['run']>[0]['tx'], id: string) => Promise<string>): AdminAction {
  return {
    name,
    label,
    description,
    permission: 'change',
    onList: false,
    async run(ctx, ids) {
      if (ids.length !== 1) throw new ActionError(ctx.language === 'de' ? 'Bitte genau ein Experiment wählen.' : 'Choose exactly one experiment.');
      return { message: await run(ctx.tx, ids[0]!), redirect: `/admin/${APP}/experiments/${ids[0]}/` };
    },
  };
}

export const experimentsResource: AdminResource = {
  ...resource('experiments', 'web_experiments', { de: 'Experiment', en: 'Experiment' }, { de: 'Experimente', en: 'Experiments' }),
  title: { columns: ['name'] },
  help: {
    de: 'Ein Experiment verteilt neue Besucher auf die aktiven Reihenfolgen und lernt per Thompson-Sampling, welche am besten konvertiert. Ein geplanter Job berechnet die Anteile alle 10 Minuten neu: gleich verteilt, bis jede Reihenfolge die Mindeststichprobe hat, danach nach der Wahrscheinlichkeit, die beste zu sein — nie unter dem Mindestanteil. Es läuft höchstens ein Experiment.',
    en: 'An experiment splits new visitors over the active orders and learns by Thompson sampling which converts best. A scheduled job recomputes the shares every 10 minutes: evenly until every order has its minimum sample, then by the probability of being best — never below the floor share. At most one experiment runs.',
  },
  fields: [
    { name: 'name', label: { de: 'Name', en: 'Name' }, type: 'text', required: true, maxLength: 200 },
    {
      name: 'goal',
      label: { de: 'Ziel (Conversion)', en: 'Goal (conversion)' },
      type: 'choice',
      required: true,
      choices: CONVERSION_GOALS.map((g) => ({ value: g, label: message(`website.exp.goal.${g}`) })),
      initial: 'question_asked',
      help: { de: '„Letzten Abschnitt erreicht“ wird immer als zweite Kennzahl gezeigt.', en: '“Reached the last section” is always shown as the secondary metric.' },
    },
    { name: 'status', label: { de: 'Status', en: 'Status' }, type: 'choice', readOnly: true, choices: EXPERIMENT_STATUSES.map((s) => ({ value: s, label: message(`website.exp.status.${s}`) })) },
    { name: 'min_sessions', label: { de: 'Mindeststichprobe je Reihenfolge', en: 'Minimum sample per order' }, type: 'integer', required: true, min: 1, max: 1_000_000, initial: DEFAULT_MIN_SESSIONS },
    { name: 'floor_percent', label: { de: 'Mindestanteil je Reihenfolge (%)', en: 'Floor share per order (%)' }, type: 'integer', required: true, min: 0, max: 49, initial: DEFAULT_FLOOR_PERCENT },
    { name: 'started_at', label: { de: 'Beginn', en: 'Started' }, type: 'datetime', readOnly: true },
    { name: 'ended_at', label: { de: 'Ende', en: 'Ended' }, type: 'datetime', readOnly: true },
    relation('winner_order_id', { de: 'Ausgerollte Reihenfolge', en: 'Shipped order' }, `${APP}.section_orders`, 'set null', ro),
    createdAt(),
    updatedAt(),
  ],
  list: { columns: ['name', 'status', 'goal', 'started_at', 'winner_order_id'], filters: ['status', 'goal'], search: ['name'], ordering: { field: 'started_at', direction: 'desc' }, sortable: ['name', 'started_at'] },
  hooks: {
    create: async (ctx, v) => startExperiment(ctx.tx, { name: String(v.name), goal: v.goal as ConversionGoal, minSessions: Number(v.min_sessions), floorPercent: Number(v.floor_percent) }),
  },
  actions: [
    experimentAction('recompute', { de: 'Jetzt neu berechnen', en: 'Recompute now' }, { de: 'Berechnet die Anteile sofort, wie es der geplante Job tut.', en: 'Recomputes the shares now, as the scheduled job does.' }, async (tx, id) => {
      if ((await runningExperimentId(tx)) !== id) throw new ActionError('Only the running experiment is recomputed.');
      const result = await recomputeExperiment(tx);
      return result ? 'Neu berechnet.' : 'Keine aktive Reihenfolge mit Abschnitten.';
    }),
    experimentAction(
      'ship_winner',
      { de: 'Gewinner ausrollen', en: 'Ship the winner' },
      { de: 'Beendet das Experiment: die Gewinner-Reihenfolge bleibt als einzige aktiv, alle anderen werden deaktiviert.', en: 'Ends the experiment: the winning order stays the only active one, all others are deactivated.' },
      async (tx, id) => `Ausgerollt: ${await shipWinner(tx, id)}`,
    ),
    experimentAction('stop', { de: 'Ohne Gewinner beenden', en: 'Stop without a winner' }, { de: 'Beendet das Experiment; die Reihenfolgen bleiben, wie sie sind (gleich verteilt).', en: 'Ends the experiment; the orders stay as they are (even split).' }, async (tx, id) => {
      await stopExperiment(tx, id);
      return 'Beendet.';
    }),
  ],
  extra: async (db, row, d) => <ExperimentResultsView results={await experimentResults(db, String(row.id))} t={d.t} language={d.language} timeZone={d.timeZone} />,
};

export const experimentAllocationsResource: AdminResource = {
  ...resource('experiment_allocations', 'web_experiment_allocations', { de: 'Zuteilung', en: 'Allocation' }, { de: 'Zuteilungen (Job-Läufe)', en: 'Allocations (job runs)' }),
  title: { columns: ['computed_at'], format: (row) => String(row.computed_at).slice(0, 16).replace('T', ' ') },
  fields: [
    relation('experiment_id', { de: 'Experiment', en: 'Experiment' }, `${APP}.experiments`, 'cascade', ro),
    { name: 'computed_at', label: { de: 'Berechnet', en: 'Computed' }, type: 'datetime', readOnly: true },
    { name: 'phase', label: { de: 'Phase', en: 'Phase' }, type: 'text', readOnly: true },
    relation('winner_order_id', { de: 'Gewinner', en: 'Winner' }, `${APP}.section_orders`, 'set null', ro),
    { name: 'srm_p_ppm', label: { de: 'SRM p-Wert (ppm)', en: 'SRM p-value (ppm)' }, type: 'integer', readOnly: true },
    { name: 'srm_mismatch', label: { de: 'Sample Ratio Mismatch', en: 'Sample ratio mismatch' }, type: 'boolean', readOnly: true },
  ],
  list: { columns: ['computed_at', 'experiment_id', 'phase', 'srm_mismatch', 'winner_order_id'], filters: ['experiment_id', 'srm_mismatch', 'computed_at'], ordering: { field: 'computed_at', direction: 'desc' } },
  allow: readOnly,
  timestamps: 'none',
  inlines: [{ resource: `${APP}.experiment_arms`, field: 'allocation_id' }],
};

const ppmField = (name: string, de: string, en: string) => ({ name, label: { de, en }, type: 'integer' as const, readOnly: true });

export const experimentArmsResource: AdminResource = {
  ...resource('experiment_arms', 'web_experiment_arms', { de: 'Reihenfolge einer Zuteilung', en: 'Order of an allocation' }, { de: 'Reihenfolgen der Zuteilungen', en: 'Orders of allocations' }),
  title: { columns: ['share_ppm'], format: (row) => `${(Number(row.share_ppm) / 10_000).toFixed(1)} %` },
  fields: [
    relation('allocation_id', { de: 'Zuteilung', en: 'Allocation' }, `${APP}.experiment_allocations`, 'cascade', ro),
    relation('order_id', { de: 'Reihenfolge', en: 'Order' }, `${APP}.section_orders`, 'cascade', ro),
    ppmField('share_ppm', 'Anteil (ppm)', 'Share (ppm)'),
    ppmField('sessions', 'Sitzungen', 'Sessions'),
    ppmField('conversions', 'Conversions', 'Conversions'),
    ppmField('secondary_conversions', 'Ende erreicht', 'Reached end'),
    ppmField('rate_ppm', 'Rate (ppm)', 'Rate (ppm)'),
    ppmField('low_ppm', 'Intervall unten (ppm)', 'Interval low (ppm)'),
    ppmField('high_ppm', 'Intervall oben (ppm)', 'Interval high (ppm)'),
    ppmField('probability_best_ppm', 'P(beste) (ppm)', 'P(best) (ppm)'),
  ],
  list: { columns: ['order_id', 'share_ppm', 'sessions', 'conversions', 'probability_best_ppm'], filters: ['allocation_id', 'order_id'], ordering: { field: 'share_ppm', direction: 'desc' } },
  allow: readOnly,
  timestamps: 'none',
};

export const sessionConversionsResource: AdminResource = {
  ...resource('session_conversions', 'web_session_conversions', { de: 'Conversion', en: 'Conversion' }, { de: 'Conversions', en: 'Conversions' }),
  title: { columns: ['goal', 'created_at'], format: (row) => `${String(row.goal)} · ${String(row.created_at).slice(0, 16).replace('T', ' ')}` },
  fields: [
    relation('session_id', { de: 'Sitzung', en: 'Session' }, `${APP}.sessions`, 'cascade', ro),
    { name: 'goal', label: { de: 'Ziel', en: 'Goal' }, type: 'choice', readOnly: true, choices: CONVERSION_GOALS.map((g) => ({ value: g, label: message(`website.exp.goal.${g}`) })) },
    createdAt(),
  ],
  list: { columns: ['created_at', 'goal', 'session_id'], filters: ['goal', 'created_at'], ordering: { field: 'created_at', direction: 'desc' }, search: [{ field: 'session_id', mode: 'exact' }] },
  allow: readOnly,
  timestamps: 'none',
};

export const experimentResources: AdminResource[] = [experimentsResource, experimentAllocationsResource, experimentArmsResource, sessionConversionsResource];
