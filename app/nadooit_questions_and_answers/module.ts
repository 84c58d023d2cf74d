import type { AppContext, AppModule } from '../core/app-module.js';
import { registerUrlName } from '../nadooit_website/template.js';
import { questionMigrations } from './migrations/0001_questions.js';
import { questionMessages } from './messages.js';
import { questionRoutes } from './routes.js';
import './models.js';

registerUrlName('nadooit_questions_and_answers:faq', '/faq');

/** Visitors ask questions on the website (+100 session score); staff answer them; answered ones form the FAQ. */
export function nadooitQuestionsAndAnswersApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadooit_questions_and_answers',
    dependsOn: ['nadooit_auth', 'nadooit_website'],
    migrations: questionMigrations,
    messages: questionMessages,
    routes: (app, context) => questionRoutes(app, context),
  };
}
