import type { AppContext, AppModule } from '../core/app-module.js';
import { workflowMigrations } from './migrations/0001_workflow.js';
import { workflowMessages } from './messages.js';
import './models.js';

/** Workflows: the state-machine utility other apps' status workflows run on, and customers' process definitions. */
export function nadooitWorkflowApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadooit_workflow',
    dependsOn: ['nadooit_auth', 'nadooit_crm', 'nadooit_hr', 'nadooit_program'],
    migrations: workflowMigrations,
    messages: workflowMessages,
  };
}
