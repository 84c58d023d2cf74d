import type { AppContext, AppModule } from '../core/app-module.js';
import { complaintMigrations } from './migrations/0001_complaints.js';
import { complaintMessages } from './messages.js';
import './models.js';

export function nadooComplaintManagementApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadoo_complaint_management',
    dependsOn: ['nadooit_auth', 'nadooit_crm', 'nadooit_hr', 'nadooit_workflow', 'nadooit_api_executions_system'],
    migrations: complaintMigrations,
    messages: complaintMessages,
  };
}
