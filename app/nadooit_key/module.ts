import type { AppContext, AppModule } from '../core/app-module.js';
import { grantKeyManagerCommand } from './commands.js';
import { messages } from './messages.js';
import { createKeyManagers } from './migrations/0001_key_managers.js';
import { keyRoutes } from './routes.js';
import './models.js';

export function nadooitKeyApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadooit_key',
    dependsOn: ['nadooit_auth'],
    migrations: [createKeyManagers],
    routes: keyRoutes,
    commands: [grantKeyManagerCommand],
    messages,
  };
}
