import type { AppContext, AppModule } from '../core/app-module.js';
import { testbot } from './bots/testbot.js';
import { botsCommand } from './commands.js';
import { botMessages } from './messages.js';
import { botMigrations } from './migrations/0001_bots.js';
import { registerBot } from './registry.js';
import { botRoutes } from './routes.js';
import { botSchedules, botTasks } from './tasks.js';
import './models.js';

registerBot(testbot);

/** Telegram and WhatsApp bots: verified webhooks into a durable inbox, processing in the worker, bots as code. */
export function botManagementApp(context: () => AppContext): AppModule {
  return {
    name: 'bot_management',
    dependsOn: ['nadooit_crm', 'nadooit_ops'],
    migrations: botMigrations,
    routes: (app, ctx) => botRoutes(app, ctx),
    tasks: botTasks(context),
    schedules: botSchedules,
    commands: [botsCommand],
    messages: botMessages,
  };
}
