import { afterEach, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import type { Db } from '../db/connection.js';
import { DbQueue } from './db-driver.js';
import { startWorker } from './index.js';
import { scheduleKey, scheduleSlot } from './options.js';
import type { QueueOptions } from './options.js';
import { queueContract } from './testing/contract.js';
import { FAST, targetOf, uniqueName, waitFor } from './testing/support.js';
import type { QueueTestEnv } from './testing/support.js';
import type { Queue, TaskDefinition, Worker } from './types.js';

function dbEnv(db: Db, target: QueueTestEnv['target']): QueueTestEnv {
  const opened: DbQueue[] = [];
  return {
    driver: 'db',
    db,
    target,
    baseOptions: {},
    open(tasks, options) {
      const queue = new DbQueue(db, tasks, options);
      opened.push(queue);
      return queue;
    },
    async pending(queue: Queue) {
      const rows = await db.kysely
        .selectFrom('core_jobs')
        .select('id')
        .where('queue', '=', (queue as DbQueue).options.name)
        .where('status', 'in', ['waiting', 'active'])
        .execute();
      return rows.length;
    },
    async cleanup() {
      await Promise.all(opened.splice(0).map((q) => q.close()));
    },
  };
}

describeEachBackend('queue: db driver', (h) => {
  let env: QueueTestEnv;
  before(async () => {
    const { db } = h().system.context;
    env = dbEnv(db, await targetOf(db));
  });

  queueContract(() => env);

  const noop: TaskDefinition = { name: 't.noop', handler: async () => undefined };
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });
  const queue = (tasks: TaskDefinition<any>[] = [noop], options: QueueOptions = {}) =>
    new DbQueue(h().system.context.db, tasks, { ...FAST, name: uniqueName(), ...options });
  const rows = (q: DbQueue) => h().system.context.db.kysely.selectFrom('core_jobs').selectAll().where('queue', '=', q.options.name).execute();

  it('hands each due job to exactly one of several claiming workers', async () => {
    const name = uniqueName();
    const a = queue([noop], { name });
    const b = queue([noop], { name });
    for (let i = 0; i < 20; i++) await a.enqueue('t.noop', { i });
    const claims = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).claim()));
    const ids = claims.filter((c) => c !== null).map((c) => c!.id);
    assert.equal(ids.length, 20);
    assert.equal(new Set(ids).size, 20);
  });

  it('writes the backoff into run_at and the error into last_error after a failed attempt', async () => {
    const q = queue([noop], { backoffMs: 60_000 });
    await q.enqueue('t.noop', {}, { maxAttempts: 3 });
    const job = (await q.claim())!;
    const before = Date.now();
    assert.equal(await q.fail(job, new Error('first failure')), 'retry');
    const [row] = await rows(q);
    assert.equal(row!.status, 'waiting');
    assert.equal(row!.attempts, 1);
    assert.equal(row!.last_error, 'first failure');
    assert.ok(Date.parse(row!.run_at) >= before + 60_000);
    assert.equal(await q.claim(), null, 'not due before the backoff');
  });

  it('lets a job whose lease expired be claimed again, and the old claim can no longer finish it', async () => {
    const name = uniqueName();
    const a = queue([noop], { name });
    const b = queue([noop], { name });
    await a.enqueue('t.noop', {});
    const stale = (await a.claim())!;
    assert.equal(await b.claim(), null, 'leased job is not claimable');
    // The lease runs out (as when a's worker stopped heart-beating).
    await h().system.context.db.kysely
      .updateTable('core_jobs')
      .set({ locked_until: new Date(Date.now() - 1_000).toISOString() })
      .where('id', '=', stale.id)
      .execute();
    const taken = (await b.claim())!;
    assert.equal(taken.id, stale.id);
    assert.equal(taken.attempts, 2);
    assert.equal(await a.complete(stale), false, 'the stale claim cannot complete');
    assert.equal(await a.heartbeat(stale), false, 'nor extend its lease');
    assert.equal(await a.fail(stale, new Error('late')), 'lost');
    assert.equal(await b.complete(taken), true);
    const [row] = await rows(a);
    assert.equal(row!.status, 'completed');
    assert.equal(row!.last_error, null);
  });

  it('keeps a scheduled slot key after completion, so a late worker does not enqueue the slot again', async () => {
    const runs: string[] = [];
    const tick: TaskDefinition = { name: 't.tick', handler: async (_p, c) => void runs.push(c.jobId) };
    const name = uniqueName();
    const everyMs = 10 * 86_400_000; // long slots: the test never straddles a slot boundary
    workers.push(await startWorker(queue([tick], { name }), [tick], [{ task: 't.tick', everyMs }]));
    await waitFor(() => runs.length === 1, 'slot ran at start');
    const late = queue([tick], { name });
    await late.enqueue('t.tick', {}, { uniqueKey: scheduleKey('t.tick', scheduleSlot(Date.now(), everyMs)) });
    await (await startWorker(late, [tick], [{ task: 't.tick', everyMs }])).stop();
    const all = await rows(late);
    assert.equal(all.length, 1);
    assert.match(all[0]!.unique_key ?? '', /^schedule:t\.tick:\d+$/);
  });

  it('gives a job up as failed when the worker of its last attempt vanished', async () => {
    const name = uniqueName();
    const a = queue([noop], { name, visibilityTimeoutMs: 30 });
    await a.enqueue('t.noop', {}, { maxAttempts: 1 });
    await a.claim();
    const b = queue([noop], { name });
    workers.push(await startWorker(b, [noop], []));
    await waitFor(async () => (await b.failed()).length === 1, 'failed after lost final attempt');
    const [failed] = await b.failed();
    assert.equal(failed!.attempts, 1);
    assert.match(failed!.lastError ?? '', /stopped responding/);
  });

  it('deletes completed jobs past their retention and keeps fresh ones and failed ones', async () => {
    const q = queue([noop], { completedRetentionMs: 1_000 });
    await q.enqueue('t.noop', { old: true });
    await q.enqueue('t.noop', { fresh: true });
    await q.enqueue('t.noop', {}, { maxAttempts: 1 });
    const db = h().system.context.db.kysely;
    for (let job = await q.claim(); job; job = await q.claim()) {
      if (job.max_attempts === 1) await q.fail(job, new Error('kept'));
      else await q.complete(job);
    }
    const old = (await rows(q)).find((r) => r.payload.includes('old'))!;
    await db.updateTable('core_jobs').set({ finished_at: new Date(Date.now() - 5_000).toISOString() }).where('id', '=', old.id).execute();
    assert.equal(await q.cleanup(), 1);
    const left = await rows(q);
    assert.deepEqual(left.map((r) => r.status).sort(), ['completed', 'failed']);
  });

  it('ping() fails when the jobs table is missing', async () => {
    const q = queue();
    await q.ping();
    await h().system.context.db.kysely.schema.alterTable('core_jobs').renameTo('core_jobs_moved').execute();
    try {
      await assert.rejects(q.ping(), /core_jobs is missing/);
    } finally {
      await h().system.context.db.kysely.schema.alterTable('core_jobs_moved').renameTo('core_jobs').execute();
    }
  });
});
