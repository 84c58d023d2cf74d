import type { AppContext, AppModule } from '../core/app-module.js';
import { osMessages } from './messages.js';
import { osRoutes } from './routes/index.js';
import { workspaceRoutes } from './routes/workspace.js';
import './static-mount.js';

/** NADOOIT OS: the customer-facing dashboard for managers (bookings, time accounts, programs, HR, roles, API keys). */
export function nadooitOsApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadooit_os',
    dependsOn: ['nadooit_auth', 'nadooit_crm', 'nadooit_hr', 'nadooit_program', 'nadooit_workflow', 'nadooit_time_account', 'nadooit_program_ownership_system', 'nadooit_api_key', 'nadooit_api_executions_system', 'nadoo_complaint_management', 'nadooit_network', 'nadoo_erp'],
    messages: osMessages,
    routes: async (app, context) => {
      await osRoutes(app, context);
      await workspaceRoutes(app, context);
    },
  };
}
