import type { AppContext, AppModule } from '../core/app-module.js';
import { createUsers } from './migrations/0001_users.js';
import './models.js';

export function nadooitAuthApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadooit_auth',
    migrations: [createUsers],
  };
}
