import type { AppContext, AppModule } from '../core/app-module.js';
import { apiKeyMigrations } from './migrations/0001_api_keys.js';
import { apiKeyCustomer } from './migrations/0002_api_key_customer.js';
import './models.js';

export function nadooitApiKeyApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadooit_api_key',
    dependsOn: ['nadooit_auth', 'nadooit_crm', 'nadooit_hr'],
    migrations: [...apiKeyMigrations, apiKeyCustomer],
  };
}
