import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InlineQueue } from './inline-driver.js';
import { startWorker } from './index.js';
import { waitFor } from './testing/support.js';
import type { TaskDefinition } from './types.js';

describe('queue: inline driver', () => {
  it('runs a job during enqueue, retries at once and keeps the last error of a failed job', async () => {
    let calls = 0;
    const flaky: TaskDefinition<{ failTimes: number }> = {
      name: 't.flaky',
      maxAttempts: 3,
      async handler(payload, context) {
        calls++;
        if (context.attempt <= payload.failTimes) throw new Error(`attempt ${context.attempt} failed`);
      },
    };
    const queue = new InlineQueue([flaky]);
    await queue.enqueue('t.flaky', { failTimes: 1 });
    assert.equal(calls, 2);
    assert.deepEqual(await queue.failed(), []);
    await queue.enqueue('t.flaky', { failTimes: 5 });
    const [failed] = await queue.failed();
    assert.equal(failed!.attempts, 3);
    assert.equal(failed!.lastError, 'attempt 3 failed');
  });

  it('runs an enqueueWithin job only once the transaction commits', async () => {
    const ran: string[] = [];
    const queue = new InlineQueue([{ name: 't.echo', handler: async (p: { n: string }) => void ran.push(p.n) }]);
    const commits: Array<() => unknown> = [];
    await queue.enqueueWithin({} as never, { afterCommit: (cb) => commits.push(cb) }, 't.echo', { n: 'x' });
    assert.deepEqual(ran, []);
    for (const cb of commits) await cb();
    assert.deepEqual(ran, ['x']);
  });

  it('fires schedules from startWorker until stopped', async () => {
    let ticks = 0;
    const tick: TaskDefinition = { name: 't.tick', handler: async () => void ticks++ };
    const queue = new InlineQueue([tick]);
    const worker = await startWorker(queue, [tick], [{ task: 't.tick', everyMs: 20 }]);
    await waitFor(() => ticks >= 2, 'two ticks');
    await worker.stop();
    const atStop = ticks;
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(ticks, atStop, 'no tick after stop');
  });
});
