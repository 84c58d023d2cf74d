import type { InlineQueue } from './inline-driver.js';
import type { ScheduleDefinition, Worker } from './types.js';

/** The inline driver runs jobs as they are enqueued; a worker only fires the schedules on timers. */
export function startInlineWorker(queue: InlineQueue, schedules: ScheduleDefinition[]): Worker {
  const running = new Set<Promise<void>>();
  const timers = schedules.map((schedule) =>
    setInterval(() => {
      const run = queue.enqueue(schedule.task, schedule.payload ?? {}).finally(() => running.delete(run));
      running.add(run);
    }, schedule.everyMs),
  );
  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...running]);
    },
  };
}
