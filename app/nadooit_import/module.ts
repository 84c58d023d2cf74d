import type { AppModule } from '../core/app-module.js';
import { importDjangoCommand } from './commands.js';
import { IMPORTED_APPS } from './plan.js';

/** Moving from the original NADOO-IT: `manage import_django` (docs/migration-from-django.md). */
export function nadooitImportApp(): AppModule {
  return {
    name: 'nadooit_import',
    dependsOn: ['core', ...IMPORTED_APPS],
    commands: [importDjangoCommand],
  };
}
