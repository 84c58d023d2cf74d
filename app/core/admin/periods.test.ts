import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { describeEachBackend } from '../../../test/support/harness.js';
import { sessionsResource } from './core-resources.js';
import { periodStart, periodStartDate } from './periods.js';
import { listPage, parseListQuery } from './query.js';
import { AdminSite } from './site.js';

describe('admin period filters', () => {
  it('start in the configured time zone, across daylight saving time', () => {
    const summer = new Date('2025-07-15T10:00:00Z');
    assert.equal(periodStart('today', 'Europe/Berlin', summer), '2025-07-14T22:00:00.000Z');
    assert.equal(periodStart('month', 'Europe/Berlin', summer), '2025-06-30T22:00:00.000Z');
    assert.equal(periodStart('year', 'Europe/Berlin', summer), '2024-12-31T23:00:00.000Z');
    assert.equal(periodStart('7d', 'UTC', summer), '2025-07-09T00:00:00.000Z');
    assert.equal(periodStart('7d', 'Europe/Berlin', new Date('2025-03-02T12:00:00Z')), '2025-02-23T23:00:00.000Z', 'across a month end');
    assert.equal(periodStart('today', 'Europe/Berlin', new Date('2025-03-30T12:00:00Z')), '2025-03-29T23:00:00.000Z', 'the day clocks go forward');
    assert.equal(periodStart('year', 'Europe/Berlin', new Date('2024-12-31T23:30:00Z')), '2024-12-31T23:00:00.000Z', 'already the new year in Berlin');
  });

  it('start at 01:00 where local midnight does not exist', () => {
    // Chile skipped 00:00–01:00 on 8 September 2024, Paraguay on 1 October 2023.
    assert.equal(periodStart('today', 'America/Santiago', new Date('2024-09-08T15:00:00Z')), '2024-09-08T04:00:00.000Z');
    assert.equal(periodStart('month', 'America/Asuncion', new Date('2023-10-15T12:00:00Z')), '2023-10-01T04:00:00.000Z');
  });

  it('give the local calendar day for DATE columns', () => {
    assert.equal(periodStartDate('today', 'Europe/Berlin', new Date('2025-07-14T23:30:00Z')), '2025-07-15');
    assert.equal(periodStartDate('7d', 'Europe/Berlin', new Date('2025-03-02T12:00:00Z')), '2025-02-24');
    assert.equal(periodStartDate('month', 'America/Asuncion', new Date('2023-10-15T12:00:00Z')), '2023-10-01');
  });
});

describeEachBackend('admin list filters "today" and "this month" without a local midnight', (h) => {
  const site = new AdminSite([sessionsResource]);
  const seenAt = async (instants: string[]) => {
    const db = h().system.context.db.kysely;
    await db.deleteFrom('core_sessions').execute();
    for (const instant of instants) {
      await db
        .insertInto('core_sessions')
        .values({ id: randomUUID(), token_hash: randomUUID(), user_id: null, data: '{}', ip: instant, user_agent: null, created_at: instant, last_seen_at: instant, expires_at: '2030-01-01T00:00:00.000Z' })
        .execute();
    }
  };
  const listed = async (period: string, timeZone: string, now: string) => {
    const lq = parseListQuery(sessionsResource, { 'f.last_seen_at': period, o: 'expires_at' });
    const page = await listPage(h().system.context.db.kysely, { site, resource: sessionsResource, timeZone, now: new Date(now) }, lq, ['ip']);
    return page.rows.map((r) => String(r.ip)).sort();
  };

  it('"today" on the day Chile skipped midnight starts at 01:00 local, not an hour of the day before', async () => {
    // 03:30Z is 23:30 on 7 September in Santiago (UTC−4); 04:00Z is 01:00 on the 8th (UTC−3).
    await seenAt(['2024-09-08T03:30:00.000Z', '2024-09-08T04:00:00.000Z', '2024-09-08T14:00:00.000Z']);
    assert.deepEqual(await listed('today', 'America/Santiago', '2024-09-08T15:00:00.000Z'), ['2024-09-08T04:00:00.000Z', '2024-09-08T14:00:00.000Z']);
  });

  it('"this month" starting on a skipped midnight (Paraguay, 1 October 2023) leaves out 30 September', async () => {
    await seenAt(['2023-10-01T03:59:00.000Z', '2023-10-01T04:00:00.000Z', '2023-10-15T12:00:00.000Z']);
    assert.deepEqual(await listed('month', 'America/Asuncion', '2023-10-15T12:00:00.000Z'), ['2023-10-01T04:00:00.000Z', '2023-10-15T12:00:00.000Z']);
  });
});
