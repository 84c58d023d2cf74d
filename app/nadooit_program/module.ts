import type { AppContext, AppModule } from '../core/app-module.js';
import { createPrograms } from './migrations/0001_programs.js';
import './models.js';

export function nadooitProgramApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadooit_program',
    migrations: [createPrograms],
  };
}
