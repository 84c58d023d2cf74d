import type { AppContext } from '../core/app-module.js';
import type { ScheduleDefinition, TaskDefinition } from '../core/queue/types.js';
import { checkLowStock } from './services/alerts.js';

export const CHECK_LOW_STOCK_TASK = 'nadoo_erp.check_low_stock';

export function erpTasks(context: () => AppContext): TaskDefinition[] {
  return [
    {
      name: CHECK_LOW_STOCK_TASK,
      async handler() {
        const { raised, resolved } = await checkLowStock(context().db.kysely);
        if (raised || resolved) context().log.info({ raised, resolved }, 'low-stock alerts updated');
      },
    },
  ];
}

/** Every 15 minutes: a shortage shows on the dashboard within a quarter of an hour. */
export const erpSchedules: ScheduleDefinition[] = [{ task: CHECK_LOW_STOCK_TASK, everyMs: 15 * 60_000 }];
