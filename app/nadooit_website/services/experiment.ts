import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { DB } from '../../core/db/connection.js';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { HttpError } from '../../core/http/errors.js';
import { SECONDARY_GOAL } from '../experiment/models.js';
import type { ConversionGoal, ExperimentStatus } from '../experiment/models.js';
import type { Random } from '../experiment/random.js';
import { SRM_P_THRESHOLD, srmPValue } from '../experiment/srm.js';
import { allocate, estimate } from '../experiment/thompson.js';
import type { Phase } from '../experiment/thompson.js';
import '../experiment/models.js';
import '../models.js';

const PPM = 1_000_000;
const toPpm = (x: number) => Math.round(x * PPM);
const now = () => new Date().toISOString();

/** The orders new visitors may get: active, not the built-in welcome page, with at least one section. */
export async function candidateOrderIds(db: Tx): Promise<string[]> {
  const rows = await db
    .selectFrom('web_section_orders')
    .select('id')
    .where('is_active', '=', true)
    .where((eb) => eb.or([eb('system_key', 'is', null), eb('system_key', 'not like', 'builtin:%')]))
    .where((eb) => eb.exists(eb.selectFrom('web_order_sections as os').select('os.id').whereRef('os.order_id', '=', 'web_section_orders.id')))
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

export interface CurrentShares {
  allocationId: string;
  shares: Map<string, number>;
}

/** The shares the scheduled job set last for the running experiment, or null (no experiment, no run yet). */
export async function currentShares(db: Tx): Promise<CurrentShares | null> {
  const rows = await db
    .selectFrom('web_experiments as e')
    .innerJoin('web_experiment_arms as a', 'a.allocation_id', 'e.current_allocation_id')
    .select(['a.allocation_id', 'a.order_id', 'a.share_ppm'])
    .where('e.status', '=', 'running')
    .execute();
  if (!rows.length) return null;
  return { allocationId: rows[0]!.allocation_id, shares: new Map(rows.map((r) => [r.order_id, Number(r.share_ppm) / PPM])) };
}

/**
 * A session reached a goal (meeting request, question asked, reached the end). Once per session and goal;
 * part of the caller's transaction. Bots never get here (the callers check).
 */
export async function recordGoal(db: Tx, sessionId: string, goal: ConversionGoal, at = now()): Promise<boolean> {
  const inserted = await db
    .insertInto('web_session_conversions')
    .values({ id: randomUUID(), session_id: sessionId, goal, created_at: at })
    .onConflict((oc) => oc.columns(['session_id', 'goal']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return !!inserted;
}

export interface ExperimentInput {
  name: string;
  goal: ConversionGoal;
  minSessions?: number;
  floorPercent?: number;
  now?: Date;
}

export const DEFAULT_MIN_SESSIONS = 100;
export const DEFAULT_FLOOR_PERCENT = 5;

export async function runningExperimentId(db: Tx): Promise<string | null> {
  return (await db.selectFrom('web_experiments').select('id').where('status', '=', 'running').orderBy('started_at', 'desc').executeTakeFirst())?.id ?? null;
}

/** Starts an experiment over the active orders; only one runs at a time (409 otherwise). */
export async function startExperiment(db: Tx, input: ExperimentInput): Promise<string> {
  if (await runningExperimentId(db)) throw new HttpError(409, 'experiment_running', 'An experiment is already running: ship its winner or stop it first');
  const floor = input.floorPercent ?? DEFAULT_FLOOR_PERCENT;
  const min = input.minSessions ?? DEFAULT_MIN_SESSIONS;
  if (!Number.isInteger(floor) || floor < 0 || floor > 49) throw new HttpError(400, 'bad_request', 'The floor share is 0 to 49 percent');
  if (!Number.isInteger(min) || min < 1) throw new HttpError(400, 'bad_request', 'The minimum sample is at least 1 session');
  const id = randomUUID();
  const at = (input.now ?? new Date()).toISOString();
  await db
    .insertInto('web_experiments')
    .values({ id, name: input.name.trim().slice(0, 200) || 'Experiment', goal: input.goal, status: 'running', min_sessions: min, floor_percent: floor, current_allocation_id: null, winner_order_id: null, started_at: at, ended_at: null, created_at: at, updated_at: at })
    .execute();
  return id;
}

interface ExperimentRow {
  id: string;
  goal: ConversionGoal;
  status: ExperimentStatus;
  min_sessions: number;
  floor_percent: number;
  started_at: string;
  ended_at: string | null;
}

async function experimentRow(db: Tx, id: string): Promise<ExperimentRow> {
  const row = await db.selectFrom('web_experiments').select(['id', 'goal', 'status', 'min_sessions', 'floor_percent', 'started_at', 'ended_at']).where('id', '=', id).executeTakeFirst();
  if (!row) throw new HttpError(404, 'not_found', 'No such experiment');
  return { ...row, min_sessions: Number(row.min_sessions), floor_percent: Number(row.floor_percent) };
}

export interface ArmCountsRow {
  orderId: string;
  sessions: number;
  conversions: number;
  secondary: number;
}

/**
 * Sessions and conversions per order since the experiment started. A session counts when it is not a
 * bot's and shows engagement — at least one heartbeat or a score — so scripted visits that run no
 * JavaScript (no heartbeat, nothing scored) are kept out of the trials as well as the rewards.
 */
export async function armCounts(db: Tx, experiment: Pick<ExperimentRow, 'goal' | 'started_at' | 'ended_at'>, orderIds: string[]): Promise<ArmCountsRow[]> {
  if (!orderIds.length) return [];
  const reached = (goal: ConversionGoal) =>
    sql<number>`sum(case when exists (select 1 from web_session_conversions c where c.session_id = s.id and c.goal = ${goal}) then 1 else 0 end)`;
  let query = db
    .selectFrom('web_sessions as s')
    .select(['s.assigned_order_id', sql<number>`count(*)`.as('sessions'), reached(experiment.goal).as('conversions'), reached(SECONDARY_GOAL).as('secondary')])
    .where('s.assigned_order_id', 'in', orderIds)
    .where('s.started_at', '>=', experiment.started_at)
    .where('s.is_bot', '=', false)
    .where((eb) => eb.or([eb('s.duration_seconds', '>', 0), eb('s.score', '!=', 0)]))
    .groupBy('s.assigned_order_id');
  if (experiment.ended_at) query = query.where('s.started_at', '<', experiment.ended_at);
  const rows = await query.execute();
  return orderIds.map((orderId) => {
    const row = rows.find((r) => r.assigned_order_id === orderId);
    return { orderId, sessions: Number(row?.sessions ?? 0), conversions: Number(row?.conversions ?? 0), secondary: Number(row?.secondary ?? 0) };
  });
}

/** The sample-ratio-mismatch p-value over the experiment's allocation periods (all sessions, bots included: assignment ignores behaviour). */
export async function sampleRatioPValue(db: Tx, experimentId: string): Promise<number | null> {
  const arms = await db
    .selectFrom('web_experiment_arms as a')
    .innerJoin('web_experiment_allocations as al', 'al.id', 'a.allocation_id')
    .select(['a.allocation_id', 'a.order_id', 'a.share_ppm'])
    .where('al.experiment_id', '=', experimentId)
    .execute();
  if (!arms.length) return null;
  const observed = await db
    .selectFrom('web_sessions as s')
    .innerJoin('web_experiment_allocations as al', 'al.id', 's.allocation_id')
    .select(['s.allocation_id', 's.assigned_order_id', sql<number>`count(*)`.as('n')])
    .where('al.experiment_id', '=', experimentId)
    .groupBy(['s.allocation_id', 's.assigned_order_id'])
    .execute();
  const periods = new Map<string, { observed: number[]; shares: number[] }>();
  for (const arm of arms) {
    const period = periods.get(arm.allocation_id) ?? { observed: [], shares: [] };
    const n = observed.find((o) => o.allocation_id === arm.allocation_id && o.assigned_order_id === arm.order_id);
    period.observed.push(Number(n?.n ?? 0));
    period.shares.push(Number(arm.share_ppm));
    periods.set(arm.allocation_id, period);
  }
  return srmPValue([...periods.values()]);
}

export interface RecomputeResult {
  experimentId: string;
  allocationId: string;
  phase: Phase;
  shares: Map<string, number>;
  winner: string | null;
  srmPValue: number | null;
  srmMismatch: boolean;
}

/**
 * The scheduled job's work: counts every active order's sessions and conversions, computes the Thompson
 * shares (even during the minimum sample, never below the floor), checks the split for a sample-ratio
 * mismatch and writes a new allocation, which chooseOrder() uses from then on. A winner is declared only
 * while the split is sound. Returns null when no experiment runs or no order is active.
 */
export async function recomputeExperiment(db: DB | Tx, options: { random?: Random; now?: Date } = {}): Promise<RecomputeResult | null> {
  const random = options.random ?? Math.random;
  return transaction(db, async (tx) => {
    const experimentId = await runningExperimentId(tx);
    if (!experimentId) return null;
    const experiment = await experimentRow(tx, experimentId);
    const orderIds = await candidateOrderIds(tx);
    if (!orderIds.length) return null;
    const counts = await armCounts(tx, experiment, orderIds);
    const estimates = estimate(counts, random);
    const allocation = allocate(estimates, { minSessions: experiment.min_sessions, floorShare: experiment.floor_percent / 100 });
    const srm = await sampleRatioPValue(tx, experimentId);
    const srmMismatch = srm !== null && srm < SRM_P_THRESHOLD;
    const winner = srmMismatch ? null : allocation.winner;
    const allocationId = randomUUID();
    const at = (options.now ?? new Date()).toISOString();
    await tx
      .insertInto('web_experiment_allocations')
      .values({ id: allocationId, experiment_id: experimentId, computed_at: at, phase: allocation.phase, winner_order_id: winner, srm_p_ppm: srm === null ? null : toPpm(srm), srm_mismatch: srmMismatch })
      .execute();
    for (const [i, e] of estimates.entries()) {
      await tx
        .insertInto('web_experiment_arms')
        .values({
          id: randomUUID(),
          allocation_id: allocationId,
          order_id: e.orderId,
          share_ppm: toPpm(allocation.shares[i]!),
          sessions: e.sessions,
          conversions: e.conversions,
          secondary_conversions: counts[i]!.secondary,
          rate_ppm: toPpm(e.rate),
          low_ppm: toPpm(e.low),
          high_ppm: toPpm(e.high),
          probability_best_ppm: toPpm(e.probabilityBest),
        })
        .execute();
    }
    await tx.updateTable('web_experiments').set({ current_allocation_id: allocationId, updated_at: at }).where('id', '=', experimentId).execute();
    return { experimentId, allocationId, phase: allocation.phase, shares: new Map(orderIds.map((id, i) => [id, allocation.shares[i]!])), winner, srmPValue: srm, srmMismatch };
  });
}

/**
 * "Ship the winner": ends the experiment with the order its last allocation declared best, which stays
 * the only active candidate (the others are switched off), so every visitor gets it from now on.
 */
export async function shipWinner(db: Tx, experimentId: string, at = new Date()): Promise<string> {
  const experiment = await experimentRow(db, experimentId);
  if (experiment.status !== 'running') throw new HttpError(409, 'experiment_ended', 'The experiment has already ended');
  const current = await db
    .selectFrom('web_experiments as e')
    .innerJoin('web_experiment_allocations as al', 'al.id', 'e.current_allocation_id')
    .select('al.winner_order_id')
    .where('e.id', '=', experimentId)
    .executeTakeFirst();
  const winner = current?.winner_order_id;
  if (!winner) throw new HttpError(409, 'no_winner', 'No order is best with 95 % probability yet');
  const stamp = at.toISOString();
  await db.updateTable('web_experiments').set({ status: 'shipped', winner_order_id: winner, ended_at: stamp, updated_at: stamp }).where('id', '=', experimentId).execute();
  const others = (await candidateOrderIds(db)).filter((id) => id !== winner);
  if (others.length) await db.updateTable('web_section_orders').set({ is_active: false, updated_at: stamp }).where('id', 'in', others).execute();
  await db.updateTable('web_section_orders').set({ is_active: true, updated_at: stamp }).where('id', '=', winner).execute();
  return winner;
}

/** Stops a running experiment without a winner (the orders stay as they are, visitors get an even split). */
export async function stopExperiment(db: Tx, experimentId: string, at = new Date()): Promise<void> {
  const experiment = await experimentRow(db, experimentId);
  if (experiment.status !== 'running') throw new HttpError(409, 'experiment_ended', 'The experiment has already ended');
  await db.updateTable('web_experiments').set({ status: 'stopped', ended_at: at.toISOString(), updated_at: at.toISOString() }).where('id', '=', experimentId).execute();
}

export interface ArmResult {
  orderId: string;
  orderName: string;
  sharePpm: number;
  sessions: number;
  conversions: number;
  secondary: number;
  ratePpm: number;
  lowPpm: number;
  highPpm: number;
  probabilityBestPpm: number;
}

export interface ExperimentResults {
  computedAt: string | null;
  phase: Phase | null;
  winnerOrderId: string | null;
  srmPPpm: number | null;
  srmMismatch: boolean;
  arms: ArmResult[];
  /** Traffic share per order at every run of the job, oldest first. */
  history: Array<{ at: string; shares: Map<string, number> }>;
  orderNames: Map<string, string>;
}

/** What the admin and the statistics page show for one experiment: the last run's figures and the share history. */
export async function experimentResults(db: Tx, experimentId: string, historyLimit = 500): Promise<ExperimentResults> {
  const experiment = await db.selectFrom('web_experiments').select(['current_allocation_id']).where('id', '=', experimentId).executeTakeFirst();
  const allocations = await db
    .selectFrom('web_experiment_allocations')
    .select(['id', 'computed_at', 'phase', 'winner_order_id', 'srm_p_ppm', 'srm_mismatch'])
    .where('experiment_id', '=', experimentId)
    .orderBy('computed_at', 'desc')
    .orderBy('id')
    .limit(historyLimit)
    .execute();
  allocations.reverse();
  const ids = allocations.map((a) => a.id);
  const arms = ids.length
    ? await db
        .selectFrom('web_experiment_arms as a')
        .innerJoin('web_section_orders as o', 'o.id', 'a.order_id')
        .select(['a.allocation_id', 'a.order_id', 'o.name', 'a.share_ppm', 'a.sessions', 'a.conversions', 'a.secondary_conversions', 'a.rate_ppm', 'a.low_ppm', 'a.high_ppm', 'a.probability_best_ppm'])
        .where('a.allocation_id', 'in', ids)
        .execute()
    : [];
  const orderNames = new Map(arms.map((a) => [a.order_id, a.name]));
  const latest = allocations.find((a) => a.id === experiment?.current_allocation_id) ?? allocations.at(-1);
  const current = arms
    .filter((a) => a.allocation_id === latest?.id)
    .map((a) => ({
      orderId: a.order_id,
      orderName: a.name,
      sharePpm: Number(a.share_ppm),
      sessions: Number(a.sessions),
      conversions: Number(a.conversions),
      secondary: Number(a.secondary_conversions),
      ratePpm: Number(a.rate_ppm),
      lowPpm: Number(a.low_ppm),
      highPpm: Number(a.high_ppm),
      probabilityBestPpm: Number(a.probability_best_ppm),
    }))
    .sort((a, b) => b.probabilityBestPpm - a.probabilityBestPpm || a.orderName.localeCompare(b.orderName));
  return {
    computedAt: latest?.computed_at ?? null,
    phase: latest?.phase ?? null,
    winnerOrderId: latest?.winner_order_id ?? null,
    srmPPpm: latest?.srm_p_ppm == null ? null : Number(latest.srm_p_ppm),
    srmMismatch: !!latest?.srm_mismatch,
    arms: current,
    history: allocations.map((al) => ({ at: al.computed_at, shares: new Map(arms.filter((a) => a.allocation_id === al.id).map((a) => [a.order_id, Number(a.share_ppm) / PPM])) })),
    orderNames,
  };
}
