import type { AppContext, AppModule } from '../core/app-module.js';
import { hrMigrations } from './migrations/0001_employees.js';
import './models.js';

export function nadooitHrApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadooit_hr',
    dependsOn: ['nadooit_auth', 'nadooit_crm'],
    migrations: hrMigrations,
  };
}
