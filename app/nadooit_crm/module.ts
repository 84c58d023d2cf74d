import type { AppContext, AppModule } from '../core/app-module.js';
import { crmMigrations } from './migrations/0001_customers.js';
import './models.js';

export function nadooitCrmApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadooit_crm',
    migrations: crmMigrations,
  };
}
