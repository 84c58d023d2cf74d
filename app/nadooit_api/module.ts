import type { AppContext, AppModule } from '../core/app-module.js';
import { apiMessages } from './messages.js';
import { restApi } from './plugin.js';

export function nadooitApiApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadooit_api',
    dependsOn: [
      'nadooit_auth',
      'nadooit_crm',
      'nadooit_hr',
      'nadooit_program',
      'nadooit_workflow',
      'nadooit_time_account',
      'nadooit_program_ownership_system',
      'nadooit_api_key',
      'nadooit_api_executions_system',
      'nadoo_complaint_management',
      'nadooit_network',
      'nadoo_erp',
    ],
    messages: apiMessages,
    routes: (app, context) => restApi(app, context),
  };
}
