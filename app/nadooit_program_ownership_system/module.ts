import type { AppContext, AppModule } from '../core/app-module.js';
import { programOwnershipMigrations } from './migrations/0001_customer_programs.js';
import { programOwnershipMessages } from './messages.js';
import './models.js';

export function nadooitProgramOwnershipSystemApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadooit_program_ownership_system',
    dependsOn: ['nadooit_auth', 'nadooit_crm', 'nadooit_hr', 'nadooit_program', 'nadooit_time_account'],
    migrations: programOwnershipMigrations,
    messages: programOwnershipMessages,
  };
}
