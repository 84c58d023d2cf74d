import type { AppContext, AppModule } from '../core/app-module.js';
import { networkMigrations } from './migrations/0001_network.js';
import { networkMessages } from './messages.js';
import './models.js';

/** NADOOIT network: members with an inventory (money and program shares), friends, groups and guilds. */
export function nadooitNetworkApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadooit_network',
    dependsOn: ['nadooit_auth', 'nadooit_program', 'nadooit_program_ownership_system'],
    migrations: networkMigrations,
    messages: networkMessages,
  };
}
