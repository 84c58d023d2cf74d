import type { AppContext, AppModule } from '../core/app-module.js';
import { useGrantSource } from '../core/admin/access.js';
import { mountAdmin } from '../core/admin/mount.js';
import { adminMessages } from '../core/admin/messages.js';
import { AUDIT_LOG } from './admin.js';
import { adminBackend, grantsOf } from './backend.js';
import { adminGuard } from './guard.js';
import { adminHome } from './home.js';
import { adminMigrations } from './migrations/0001_admin.js';
import { buildSite } from './resources.js';
import './models.js';

/** The staff admin at /admin/: every app's resources, per-model permissions and the audit log. */
export function nadooitAdminApp(_context: () => AppContext): AppModule {
  // The grants live in this app's table; the admin and the REST API (an app below this one) both read
  // them through core's staffAccess, so one grant means the same on every transport.
  useGrantSource(grantsOf);
  return {
    name: 'nadooit_admin',
    dependsOn: [
      'nadooit_auth',
      'nadooit_key',
      'nadooit_crm',
      'nadooit_hr',
      'nadooit_program',
      'nadooit_workflow',
      'nadooit_time_account',
      'nadooit_program_ownership_system',
      'nadooit_api_key',
      'nadooit_api_executions_system',
      'nadoo_complaint_management',
      'nadooit_network',
      'nadoo_erp',
      'nadooit_website',
      'nadooit_questions_and_answers',
      'bot_management',
    ],
    migrations: adminMigrations,
    messages: adminMessages,
    async routes(app, context) {
      const site = await buildSite(context.db.kysely);
      const audit = site.get(AUDIT_LOG)!;
      await mountAdmin(app, {
        site,
        context,
        backend: adminBackend,
        guard: adminGuard,
        home: adminHome,
        historyHref: (access, resource, objectId) =>
          access.can(audit, 'view') ? `/admin/nadooit_admin/audit_log/?f.resource=${encodeURIComponent(resource)}&f.object_id=${encodeURIComponent(objectId)}` : null,
      });
    },
  };
}
