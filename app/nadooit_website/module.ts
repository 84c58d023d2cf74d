import type { AppContext, AppModule } from '../core/app-module.js';
import { websiteMigrations } from './migrations/0001_website.js';
import { templateSyncMigrations } from './migrations/0002_template_sync.js';
import { templateCommands } from './commands.js';
import { websiteMessages } from './messages.js';
import { websiteRoutes } from './routes.js';
import { registerUrlName } from './template.js';
import './models.js';
import './static-mount.js';

/** URL names section templates may use with {% url '…' %} (the original's namespace `nadooit_website`). */
registerUrlName('nadooit_website:index', '/');
registerUrlName('nadooit_os:index', '/nadooit-os/');

/** The company website: the section CMS at `/`, visitor sessions and signals, template import/export. */
export function nadooitWebsiteApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadooit_website',
    dependsOn: ['nadooit_auth'],
    migrations: [...websiteMigrations, ...templateSyncMigrations],
    commands: templateCommands,
    messages: websiteMessages,
    routes: (app, context) => websiteRoutes(app, context),
  };
}
