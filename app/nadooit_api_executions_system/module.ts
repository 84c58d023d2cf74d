import type { AppContext, AppModule } from '../core/app-module.js';
import { demoCommand } from './commands/demo.js';
import { legacyApiRoutes } from './legacy/routes.js';
import { executionMigrations } from './migrations/0001_executions.js';
import { executionMessages } from './messages.js';
import './models.js';

export function nadooitApiExecutionsSystemApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadooit_api_executions_system',
    dependsOn: ['nadooit_auth', 'nadooit_crm', 'nadooit_hr', 'nadooit_program', 'nadooit_time_account', 'nadooit_program_ownership_system', 'nadooit_api_key', 'nadooit_workflow'],
    migrations: executionMigrations,
    messages: executionMessages,
    machineRoutes: (app, context) => legacyApiRoutes(app, context),
    commands: [demoCommand],
  };
}
