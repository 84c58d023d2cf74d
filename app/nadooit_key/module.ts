import type { AppContext, AppModule } from '../core/app-module.js';
import { grantKeyManagerCommand } from './commands.js';
import { messages } from './messages.js';
import { createKeyManagers } from './migrations/0001_key_managers.js';
import { keyRoutes } from './routes.js';
import './models.js';

export function nadooitKeyApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadooit_key',
    // hr: a key manager reaches the people of the customers they work for (active contracts, hr's one rule)
    dependsOn: ['nadooit_auth', 'nadooit_crm', 'nadooit_hr'],
    migrations: [createKeyManagers],
    routes: keyRoutes,
    commands: [grantKeyManagerCommand],
    messages,
  };
}
