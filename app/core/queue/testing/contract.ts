import { afterEach, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { transaction } from '../../db/transaction.js';
import { startWorker } from '../index.js';
import type { QueueOptions } from '../options.js';
import type { Queue, ScheduleDefinition, TaskContext, TaskDefinition, Worker } from '../types.js';
import { FAST, KILL_TASK, createEffectsTable, effects, recordEffect, uniqueName, waitFor } from './support.js';
import type { KillWorkerConfig, QueueTestEnv } from './support.js';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..', '..', '..');

interface Call {
  payload: any;
  context: TaskContext;
  startedAt: number;
}

/** A task that records its calls and then does whatever `behaviour` says (default: succeed). */
function recording(name: string, behaviour: (call: Call, calls: Call[]) => Promise<void> | void = () => undefined, maxAttempts?: number) {
  const calls: Call[] = [];
  const task: TaskDefinition<any> = {
    name,
    maxAttempts,
    async handler(payload, context) {
      const call = { payload, context, startedAt: Date.now() };
      calls.push(call);
      await behaviour(call, calls);
    },
  };
  return { task, calls };
}

/**
 * The behaviour every real queue driver must show. Registers its tests in the surrounding describe block;
 * `env()` gives the driver under test.
 */
export function queueContract(env: () => QueueTestEnv): void {
  const workers: Worker[] = [];
  const work = async (queue: Queue, tasks: TaskDefinition<any>[], schedules: ScheduleDefinition[] = [], concurrency = 2) => {
    const worker = await startWorker(queue, tasks, schedules, { concurrency });
    workers.push(worker);
    return worker;
  };
  const open = (tasks: TaskDefinition<any>[], options: QueueOptions & { name?: string } = {}) =>
    env().open(tasks, { ...FAST, ...env().baseOptions, ...options, name: options.name ?? uniqueName() });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await env().cleanup();
  });

  it('runs an enqueued job once with its payload', async () => {
    const { task, calls } = recording('t.echo');
    const queue = open([task]);
    await queue.enqueue('t.echo', { n: 1, text: 'ä' });
    const worker = await work(queue, [task]);
    await waitFor(() => calls.length === 1, 'job ran');
    await worker.stop();
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0]!.payload, { n: 1, text: 'ä' });
    assert.equal(calls[0]!.context.attempt, 1);
    assert.equal(await env().pending(queue), 0);
    assert.deepEqual(await queue.failed(), []);
  });

  it('refuses to enqueue a task nobody declared', async () => {
    const queue = open([recording('t.echo').task]);
    await assert.rejects(queue.enqueue('t.nope', {}), /unknown task t\.nope/);
  });

  it('retries with exponential backoff, then keeps the failed job with its last error', async () => {
    const { task, calls } = recording('t.fail', (_call, all) => {
      throw new Error(`boom ${all.length}`);
    }, 3);
    const queue = open([task]);
    await queue.enqueue('t.fail', {});
    await work(queue, [task]);
    await waitFor(async () => (await queue.failed()).length === 1, 'job failed for good');
    const [failed] = await queue.failed();
    assert.equal(failed!.name, 't.fail');
    assert.equal(failed!.attempts, 3);
    assert.match(failed!.lastError ?? '', /boom 3/);
    assert.deepEqual(calls.map((c) => c.context.attempt), [1, 2, 3]);
    // Attempt n+1 may not start before backoff × 2^(n−1) has passed (5 ms slack for clock rounding).
    assert.ok(calls[1]!.startedAt - calls[0]!.startedAt >= FAST.backoffMs! - 5, 'first retry waited the backoff');
    assert.ok(calls[2]!.startedAt - calls[1]!.startedAt >= 2 * FAST.backoffMs! - 5, 'second retry waited twice as long');
    assert.equal(await env().pending(queue), 0);
  });

  it('completes a job that fails once and then succeeds', async () => {
    const { task, calls } = recording('t.flaky', (_call, all) => {
      if (all.length === 1) throw new Error('transient');
    });
    const queue = open([task]);
    await queue.enqueue('t.flaky', {});
    const worker = await work(queue, [task]);
    await waitFor(() => calls.length === 2, 'retried');
    await worker.stop();
    assert.equal(calls.length, 2);
    assert.equal(await env().pending(queue), 0);
    assert.deepEqual(await queue.failed(), []);
  });

  it('de-duplicates by uniqueKey while the job exists, and frees the key once it completed', async () => {
    const { task, calls } = recording('t.echo');
    const queue = open([task]);
    await queue.enqueue('t.echo', { n: 1 }, { uniqueKey: 'customer:1' });
    await queue.enqueue('t.echo', { n: 2 }, { uniqueKey: 'customer:1' });
    await queue.enqueue('t.echo', { n: 3 }, { uniqueKey: 'customer:2' });
    assert.equal(await env().pending(queue), 2);
    const worker = await work(queue, [task]);
    await waitFor(async () => calls.length === 2 && (await env().pending(queue)) === 0, 'both keys ran');
    assert.deepEqual(calls.map((c) => c.payload.n).sort(), [1, 3]);
    await queue.enqueue('t.echo', { n: 4 }, { uniqueKey: 'customer:1' });
    await waitFor(() => calls.length === 3, 'key reusable after completion');
    await worker.stop();
    assert.equal(calls[2]!.payload.n, 4);
  });

  it('runs a delayed job only after its delay', async () => {
    const { task, calls } = recording('t.later');
    const queue = open([task]);
    const enqueuedAt = Date.now();
    await queue.enqueue('t.later', {}, { delayMs: 400 });
    await work(queue, [task]);
    await waitFor(() => calls.length === 1, 'delayed job ran');
    assert.ok(calls[0]!.startedAt - enqueuedAt >= 400 - 5, `ran ${calls[0]!.startedAt - enqueuedAt} ms after enqueue`);
  });

  it('runs a scheduled job repeatedly, once per run even with two workers', async () => {
    const { task, calls } = recording('t.tick');
    const name = uniqueName();
    const schedules = [{ task: 't.tick', everyMs: 250, payload: { from: 'schedule' } }];
    await work(open([task], { name }), [task], schedules);
    await work(open([task], { name }), [task], schedules);
    await waitFor(() => calls.length >= 3, 'three scheduled runs');
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    const ids = calls.map((c) => c.context.jobId);
    assert.equal(new Set(ids).size, ids.length, 'every run is its own job');
    for (const call of calls) assert.deepEqual(call.payload, { from: 'schedule' });
  });

  it('enqueueWithin leaves no job when the transaction rolls back, and one when it commits', async () => {
    const { task, calls } = recording('t.echo');
    const queue = open([task]);
    const { db } = env();
    await assert.rejects(
      transaction(db.kysely, async (tx, hooks) => {
        await queue.enqueueWithin(tx, hooks, 't.echo', { n: 'rolled back' });
        throw new Error('rollback');
      }),
      /rollback/,
    );
    assert.equal(await env().pending(queue), 0);
    await transaction(db.kysely, async (tx, hooks) => {
      await queue.enqueueWithin(tx, hooks, 't.echo', { n: 'committed' });
    });
    assert.equal(await env().pending(queue), 1);
    const worker = await work(queue, [task]);
    await waitFor(() => calls.length === 1, 'committed job ran');
    await worker.stop();
    assert.deepEqual(calls.map((c) => c.payload.n), ['committed']);
  });

  it('stop() claims nothing more and waits for the running job to finish', async () => {
    let finished = false;
    const { task, calls } = recording('t.slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished = true;
    });
    const queue = open([task]);
    await queue.enqueue('t.slow', {});
    const worker = await work(queue, [task]);
    await waitFor(() => calls.length === 1, 'slow job started');
    await worker.stop();
    assert.equal(finished, true);
    assert.equal(await env().pending(queue), 0);
    await queue.enqueue('t.slow', {});
    assert.equal(await env().pending(queue), 1, 'a stopped worker claims no new job');
  });

  it('after the shutdown grace, aborts the running job and gives it back without using an attempt', async () => {
    const { task, calls } = recording('t.long', async (call, all) => {
      if (all.length > 1) return;
      await new Promise((_resolve, reject) => call.context.signal.addEventListener('abort', () => reject(call.context.signal.reason)));
    });
    const name = uniqueName();
    const queue = open([task], { name, shutdownGraceMs: 100 });
    await queue.enqueue('t.long', {});
    const first = await work(queue, [task]);
    await waitFor(() => calls.length === 1, 'long job started');
    await first.stop();
    assert.equal(calls[0]!.context.signal.aborted, true);
    assert.equal(await env().pending(queue), 1, 'the job went back to the queue');
    await work(open([task], { name }), [task]);
    await waitFor(() => calls.length === 2, 'job ran again on another worker');
    assert.equal(calls[1]!.context.attempt, 1);
    await waitFor(async () => (await env().pending(queue)) === 0, 'job completed');
    assert.deepEqual(await queue.failed(), []);
  });

  it('runs the job of a worker killed with SIGKILL again on another worker, with one effect', async () => {
    const { db, target, redisUrl, driver, baseOptions } = env();
    await createEffectsTable(db);
    const name = uniqueName('kill');
    const options = { ...FAST, ...baseOptions, name, visibilityTimeoutMs: 1_000 };
    const key = uniqueName('effect');
    const parent = recording(KILL_TASK, async (call) => recordEffect(db, call.payload.key, 'parent'));
    const queue = env().open([parent.task], options);
    await queue.enqueue(KILL_TASK, { key });

    const config: KillWorkerConfig = { driver, target, redisUrl, options };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'kill-worker.ts')], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, QUEUE_TEST_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    try {
      await waitFor(() => output.includes('STARTED'), () => `child worker took the job (output: ${output})`, 30_000);
    } finally {
      child.kill('SIGKILL');
    }
    assert.equal(await exited, 'SIGKILL');
    assert.deepEqual(await effects(db, key), [{ key, worker: 'child' }]);

    await work(queue, [parent.task]);
    await waitFor(() => parent.calls.length === 1, 'job ran again after the visibility timeout', 30_000);
    await waitFor(async () => (await env().pending(queue)) === 0, 'job completed');
    assert.deepEqual(await effects(db, key), [{ key, worker: 'child' }], 'the effect happened once');
    assert.deepEqual(await queue.failed(), []);
  });
}
