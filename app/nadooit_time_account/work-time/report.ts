import type { Tx } from '../../core/db/transaction.js';
import type { Actor } from '../../core/actor.js';
import { csvCell } from '../../core/csv.js';
import { InvalidInput } from '../../core/errors.js';
import { periodNow } from '../../core/time/clock.js';
import { assertWorkTimeAccess } from './access.js';
import type { WorkTimeAccount } from './access.js';
import { dayTotals, isCalendarDate, localDate, localTime, periodDays, shiftPeriod } from './calendar.js';
import type { DayTotal, PeriodUnit } from './calendar.js';
import { entriesBetween } from './entries.js';
import type { WorkTimeEntry } from './entries.js';

export interface WorkTimeReport {
  account: WorkTimeAccount;
  unit: PeriodUnit;
  /** A date inside the period (the one asked for, or today in the customer's zone). */
  date: string;
  from: string;
  to: string;
  previous: string;
  next: string;
  days: DayTotal[];
  workedSeconds: number;
  targetSeconds: number;
  /** Worked minus target; negative = hours short. Zero when no weekly hours are set. */
  overtimeSeconds: number;
  entries: WorkTimeEntry[];
  /** The open entry's start, while the employee is clocked in. */
  clockedInSince: string | null;
}

/**
 * Worked time of one account for the day, week (Monday–Sunday) or month containing `date`, per local day of
 * the customer's zone, with the target from the weekly hours and the overtime. An open entry counts up to
 * now (the injectable clock).
 */
export async function workTimeReport(db: Tx, input: Actor & { employeeTimeAccountId: string; unit: PeriodUnit; date?: string }): Promise<WorkTimeReport> {
  const account = await assertWorkTimeAccess(db, input, input.employeeTimeAccountId, 'view');
  const now = periodNow().getTime();
  const date = input.date ?? localDate(now, account.timeZone);
  if (!isCalendarDate(date)) throw new InvalidInput('Ungültiges Datum (JJJJ-MM-TT).', { field: 'date' });
  const days = periodDays(input.unit, date, account.timeZone);
  const from = new Date(days[0]!.start).toISOString();
  const to = new Date(days.at(-1)!.end).toISOString();
  const entries = await entriesBetween(db, account.id, from, to);
  const intervals = entries.map((e) => ({ start: Date.parse(e.started_at), end: e.ended_at ? Date.parse(e.ended_at) : Math.max(now, Date.parse(e.started_at)) }));
  const totals = dayTotals(days, intervals, account.weeklyWorkSeconds);
  const workedSeconds = totals.reduce((s, d) => s + d.workedSeconds, 0);
  const targetSeconds = totals.reduce((s, d) => s + d.targetSeconds, 0);
  return {
    account,
    unit: input.unit,
    date,
    from,
    to,
    previous: shiftPeriod(input.unit, date, -1),
    next: shiftPeriod(input.unit, date, 1),
    days: totals,
    workedSeconds,
    targetSeconds,
    overtimeSeconds: account.weeklyWorkSeconds ? workedSeconds - targetSeconds : 0,
    entries,
    clockedInSince: entries.find((e) => e.ended_at === null)?.started_at ?? null,
  };
}

export const WORK_TIME_CSV_HEADER = ['Datum', 'Beginn', 'Ende', 'Dauer (Minuten)', 'Korrigiert', 'Beginn (UTC)', 'Ende (UTC)'] as const;

/** The report's entries as CSV (local date and times of the customer's zone, plus the exact UTC instants). */
export function workTimeCsv(report: WorkTimeReport): string {
  const zone = report.account.timeZone;
  const lines = [WORK_TIME_CSV_HEADER.join(',')];
  for (const e of report.entries) {
    const start = Date.parse(e.started_at);
    const end = e.ended_at ? Date.parse(e.ended_at) : null;
    lines.push(
      [
        localDate(start, zone),
        localTime(start, zone),
        end === null ? '' : localTime(end, zone),
        end === null ? '' : Math.floor((end - start) / 60_000),
        e.corrected ? 'ja' : 'nein',
        e.started_at,
        e.ended_at,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
