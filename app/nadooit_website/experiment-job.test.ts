import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createQueue, startWorker } from '../core/queue/index.js';
import type { Queue, Worker } from '../core/queue/index.js';
import { FAST, uniqueName, waitFor } from '../core/queue/testing/support.js';
import { describeEachBackend, describeWith, serviceUrl } from '../../test/support/harness.js';
import type { Harness } from '../../test/support/harness.js';
import { EXPERIMENT_INTERVAL_MS, UPDATE_EXPERIMENT_TASK, nadooitWebsiteApp } from './module.js';
import { startExperiment } from './services/experiment.js';
import { order, section } from './testing/fixtures.js';

/**
 * The experiment's shares are recomputed by the project's job queue, not per request: the module schedules
 * the task, and a worker of the database queue or of the Redis queue runs it.
 */
function jobSuite(driver: 'db' | 'redis', h: () => Harness) {
  let queue: Queue;
  let worker: Worker;
  const db = () => h().system.context.db.kysely;

  before(async () => {
    const module = nadooitWebsiteApp(() => h().system.context);
    const tasks = module.tasks ?? [];
    const settings = driver === 'redis' ? { ...h().settings, redisUrl: serviceUrl('redis')! } : h().settings;
    queue = await createQueue(settings, h().system.context.db, tasks, driver, { ...FAST, name: uniqueName('website'), prefix: 'nadooit-test' });
    worker = await startWorker(queue, tasks, [], { concurrency: 1 });
  });
  after(async () => {
    await worker?.stop();
    await queue?.close();
  });

  it(`the module schedules the recomputation every ${EXPERIMENT_INTERVAL_MS / 60_000} minutes, and a ${driver} worker runs it`, async () => {
    assert.ok(nadooitWebsiteApp(() => h().system.context).schedules?.some((s) => s.task === UPDATE_EXPERIMENT_TASK && s.everyMs === EXPERIMENT_INTERVAL_MS));
    const s = await section(db(), 'Eins');
    await order(db(), 'A', [s]);
    await order(db(), 'B', [s]);
    const experimentId = await startExperiment(db(), { name: 'Job', goal: 'question_asked' });
    await queue.enqueue(UPDATE_EXPERIMENT_TASK, undefined, { uniqueKey: UPDATE_EXPERIMENT_TASK });
    const current = async () => (await db().selectFrom('web_experiments').select('current_allocation_id').where('id', '=', experimentId).executeTakeFirstOrThrow()).current_allocation_id;
    await waitFor(async () => (await current()) !== null, 'the worker wrote an allocation');
    const arms = await db().selectFrom('web_experiment_arms').select('share_ppm').where('allocation_id', '=', (await current())!).execute();
    assert.deepEqual(arms.map((a) => Number(a.share_ppm)), [500_000, 500_000]);
  });
}

describeEachBackend('website experiment job on the database queue', (h) => jobSuite('db', h));
describeWith('redis', 'website experiment job on the Redis queue [redis]', () => {
  describeEachBackend('website experiment job on the Redis queue', (h) => jobSuite('redis', h));
});
