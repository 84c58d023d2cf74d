import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { flavorOf } from '../../core/db/connection.js';
import type { DB } from '../../core/db/connection.js';
import '../experiment/models.js';
import '../models.js';

/** Score bands of the distribution chart (lower bounds; a session falls into the last band it reaches). */
export const SCORE_BANDS = [
  { label: '< 0', from: -Infinity },
  { label: '0', from: 0 },
  { label: '1–9', from: 1 },
  { label: '10–49', from: 10 },
  { label: '50–99', from: 50 },
  { label: '100–199', from: 100 },
  { label: '≥ 200', from: 200 },
] as const;

export interface DayCount {
  day: string;
  visits: number;
  sessions: number;
}

export interface SectionTime {
  sectionId: string;
  name: string;
  seen: number;
  interactionMs: number;
  score: number;
}

export interface WebsiteStatistics {
  from: string;
  to: string;
  days: DayCount[];
  botSessions: number;
  conversions: number;
  scoreBands: Array<{ label: string; sessions: number }>;
  topSections: SectionTime[];
}

/**
 * "YYYY-MM-DDTHH" of a timestamp column in UTC, on every database (hourly buckets, made local days in JS).
 * Constants are literals, not parameters, so PostgreSQL sees the same expression in SELECT and GROUP BY.
 */
function hourOf(db: DB, column: string): RawBuilder<string> {
  if (flavorOf(db) === 'sqlite') return sql<string>`substr(${sql.ref(column)}, ${sql.lit(1)}, ${sql.lit(13)})`;
  return sql<string>`substr(cast(${sql.ref(column)} at time zone 'UTC' as text), ${sql.lit(1)}, ${sql.lit(13)})`;
}

/** The calendar day of a UTC hour bucket in the site's time zone. */
function localDay(hour: string, timeZone: string): string {
  const instant = new Date(`${hour.replace(' ', 'T')}:00:00Z`);
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/**
 * The staff's view of the website over [from, to): visits and (human) sessions per local day, bot
 * sessions, conversions, the distribution of session scores and the sections ranked by the interaction
 * time visitors spent on them (with how often they were seen and their score in the period).
 */
export async function websiteStatistics(db: DB, input: { from: Date; to: Date; timeZone: string; topSections?: number }): Promise<WebsiteStatistics> {
  const from = input.from.toISOString();
  const to = input.to.toISOString();
  const visitHours = await db
    .selectFrom('web_visits')
    .select([hourOf(db, 'visit_date').as('hour'), sql<number>`count(*)`.as('n')])
    .where('visit_date', '>=', from)
    .where('visit_date', '<', to)
    .groupBy(hourOf(db, 'visit_date'))
    .execute();
  const sessionHours = await db
    .selectFrom('web_sessions')
    .select([hourOf(db, 'started_at').as('hour'), 'is_bot', sql<number>`count(*)`.as('n')])
    .where('started_at', '>=', from)
    .where('started_at', '<', to)
    .groupBy([hourOf(db, 'started_at'), 'is_bot'])
    .execute();
  const days = new Map<string, DayCount>();
  // From the whole hour `from` falls in: the current (partial) hour has its bucket too, even when it opens a local day.
  for (let t = Math.floor(input.from.getTime() / 3_600_000) * 3_600_000; t < input.to.getTime(); t += 3_600_000) {
    const day = localDay(new Date(t).toISOString().slice(0, 13), input.timeZone);
    if (!days.has(day)) days.set(day, { day, visits: 0, sessions: 0 });
  }
  const at = (hour: string) => days.get(localDay(hour, input.timeZone));
  for (const row of visitHours) {
    const bucket = at(row.hour);
    if (bucket) bucket.visits += Number(row.n);
  }
  let botSessions = 0;
  for (const row of sessionHours) {
    if (row.is_bot) botSessions += Number(row.n);
    else {
      const bucket = at(row.hour);
      if (bucket) bucket.sessions += Number(row.n);
    }
  }
  const bandOf = sql<number>`case ${sql.join(
    SCORE_BANDS.slice(1)
      .map((band, i) => ({ band, index: i + 1 }))
      .reverse()
      .map(({ band, index }) => sql`when score >= ${sql.lit(band.from)} then ${sql.lit(index)}`),
    sql` `,
  )} else ${sql.lit(0)} end`;
  const bands = await db
    .selectFrom('web_sessions')
    .select([bandOf.as('band'), sql<number>`count(*)`.as('n')])
    .where('started_at', '>=', from)
    .where('started_at', '<', to)
    .where('is_bot', '=', false)
    .groupBy(bandOf)
    .execute();
  const conversions = await db
    .selectFrom('web_session_conversions')
    .select(sql<number>`count(*)`.as('n'))
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .executeTakeFirstOrThrow();
  const sections = await db
    .selectFrom('web_session_signals as g')
    .innerJoin('web_sections as s', 's.id', 'g.section_id')
    .select([
      'g.section_id',
      's.name',
      sql<number>`sum(case when g.signal_type = 'revealed' then 1 else 0 end)`.as('seen'),
      sql<number>`coalesce(sum(g.value_ms), 0)`.as('ms'),
    ])
    .where('g.created_at', '>=', from)
    .where('g.created_at', '<', to)
    .groupBy(['g.section_id', 's.name'])
    .orderBy(sql`coalesce(sum(g.value_ms), 0)`, 'desc')
    .orderBy(sql`sum(case when g.signal_type = 'revealed' then 1 else 0 end)`, 'desc')
    .orderBy('s.name')
    .limit(input.topSections ?? 10)
    .execute();
  const scores = sections.length
    ? await db.selectFrom('web_section_scores').select(['section_id', 'score']).where('section_id', 'in', sections.map((s) => s.section_id)).execute()
    : [];
  return {
    from,
    to,
    days: [...days.values()],
    botSessions,
    conversions: Number(conversions.n),
    scoreBands: SCORE_BANDS.map((band, i) => ({ label: band.label, sessions: Number(bands.find((b) => Number(b.band) === i)?.n ?? 0) })),
    topSections: sections.map((s) => ({
      sectionId: s.section_id,
      name: s.name,
      seen: Number(s.seen),
      interactionMs: Number(s.ms),
      score: Number(scores.find((x) => x.section_id === s.section_id)?.score ?? 0),
    })),
  };
}

/** The experiment the statistics show: the running one, else the one that ended last. */
export async function latestExperiment(db: DB): Promise<{ id: string; name: string; status: string; goal: string } | null> {
  const row = await db
    .selectFrom('web_experiments')
    .select(['id', 'name', 'status', 'goal'])
    .orderBy(sql`case when status = 'running' then 0 else 1 end`)
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}
