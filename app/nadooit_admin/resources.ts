import { sql } from 'kysely';
import { coreResources } from '../core/admin/core-resources.js';
import { AdminSite, resourceKey, text } from '../core/admin/site.js';
import type { AdminResource } from '../core/admin/types.js';
import type { DB } from '../core/db/connection.js';
import { botResources } from '../bot_management/admin.js';
import { complaintResources } from '../nadoo_complaint_management/admin.js';
import { executionResources } from '../nadooit_api_executions_system/admin.js';
import { apiKeyResources } from '../nadooit_api_key/admin.js';
import { authResources } from '../nadooit_auth/admin.js';
import { keyResources } from '../nadooit_key/admin.js';
import { crmResources } from '../nadooit_crm/admin.js';
import { hrResources } from '../nadooit_hr/admin.js';
import { programResources } from '../nadooit_program/admin.js';
import { programOwnershipResources } from '../nadooit_program_ownership_system/admin.js';
import { timeAccountResources } from '../nadooit_time_account/admin.js';
import { workTimeResources } from '../nadooit_time_account/work-time/admin.js';
import { workflowResources } from '../nadooit_workflow/admin.js';
import { websiteResources } from '../nadooit_website/admin.js';
import { questionResources } from '../nadooit_questions_and_answers/admin.js';
import { networkResources } from '../nadooit_network/admin.js';
import { erpResources } from '../nadoo_erp/admin.js';
import { auditLogResource, permissionsResource } from './admin.js';

/**
 * The admin's autodiscovery list: every app's admin.ts, in app order. An app added later exports its
 * resources from its own admin.ts and gets one entry here. A later resource with the same key replaces an
 * earlier one, so an app may extend a resource of an app it builds on (hr adds the first managers to the
 * customer form).
 */
export function declaredResources(): AdminResource[] {
  const all = [
    ...coreResources,
    ...authResources,
    ...keyResources,
    ...crmResources,
    ...hrResources,
    ...programResources,
    ...workflowResources,
    ...timeAccountResources,
    ...workTimeResources,
    ...programOwnershipResources,
    ...apiKeyResources,
    ...executionResources,
    ...complaintResources,
    ...networkResources,
    ...erpResources,
    ...websiteResources,
    ...questionResources,
    ...botResources,
  ];
  const byKey = new Map<string, AdminResource>();
  for (const resource of all) byKey.set(resourceKey(resource), resource);
  return [...byKey.values()];
}

async function tableExists(db: DB, table: string): Promise<boolean> {
  try {
    await sql`select 1 from ${sql.table(table)} where 1 = 0`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/**
 * Only resources whose table exists (an app that is not installed has no tables); relations and inlines
 * towards missing resources fall back to plain ids.
 */
export async function installedResources(db: DB): Promise<AdminResource[]> {
  const declared = declaredResources();
  const present: AdminResource[] = [];
  for (const resource of declared) if (await tableExists(db, resource.table)) present.push(resource);
  const keys = new Set(present.map(resourceKey));
  return present.map((resource) => ({
    ...resource,
    inlines: resource.inlines?.filter((i) => keys.has(i.resource)),
    fields: resource.fields.map((f) => (f.type === 'relation' && !keys.has(f.relation!.resource) ? { ...f, type: 'uuid' as const, relation: undefined } : f)),
  }));
}

/** The site with every installed app's resources plus the admin's own (audit log, permissions). */
export async function buildSite(db: DB): Promise<AdminSite> {
  const resources = await installedResources(db);
  const choices = () =>
    resources
      .filter((r) => !r.superuserOnly)
      .map((r) => ({
        value: resourceKey(r),
        label: { de: `${text(r.appLabel, 'de')} › ${text(r.labelPlural, 'de')}`, en: `${text(r.appLabel, 'en')} › ${text(r.labelPlural, 'en')}` },
      }));
  return new AdminSite([...resources, auditLogResource, permissionsResource(choices)]);
}
