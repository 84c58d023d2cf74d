import type { AppContext, AppModule } from '../core/app-module.js';
import { erpMigrations } from './migrations/0001_erp.js';
import { erpSchedules, erpTasks } from './tasks.js';
import { erpMessages } from './messages.js';
import './models.js';

/** NADOO ERP: articles per customer with exact prices, a stock ledger, low-stock alerts and CSV import/export. */
export function nadooErpApp(context: () => AppContext): AppModule {
  return {
    name: 'nadoo_erp',
    dependsOn: ['nadooit_auth', 'nadooit_crm', 'nadooit_hr'],
    migrations: erpMigrations,
    messages: erpMessages,
    tasks: erpTasks(context),
    schedules: erpSchedules,
  };
}
