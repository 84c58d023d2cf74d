import type { AppContext, AppModule } from '../core/app-module.js';
import { opsCommands } from './commands.js';
import { opsMessages } from './messages.js';
import { opsRoutes } from './routes.js';

/** Operations: backup/restore/collectstatic commands and the private-media gate in front of nginx. */
export function nadooitOpsApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadooit_ops',
    messages: opsMessages,
    commands: opsCommands(),
    routes: opsRoutes,
  };
}
