import type { LegacyAppImport } from '../core/legacy/step.js';
import { authLegacyImport } from '../nadooit_auth/legacy-import.js';
import { crmLegacyImport } from '../nadooit_crm/legacy-import.js';
import { hrLegacyImport } from '../nadooit_hr/legacy-import.js';
import { keyLegacyImport } from '../nadooit_key/legacy-import.js';
import { programLegacyImport } from '../nadooit_program/legacy-import.js';
import { timeAccountLegacyImport } from '../nadooit_time_account/legacy-import.js';
import { programOwnershipLegacyImport } from '../nadooit_program_ownership_system/legacy-import.js';
import { apiKeyLegacyImport } from '../nadooit_api_key/legacy-import.js';
import { executionsLegacyImport } from '../nadooit_api_executions_system/legacy-import.js';
import { complaintLegacyImport } from '../nadoo_complaint_management/legacy-import.js';
import { questionsLegacyImport } from '../nadooit_questions_and_answers/legacy-import.js';
import { websiteLegacyImport } from '../nadooit_website/legacy-import.js';
import { botLegacyImport } from '../bot_management/legacy-import.js';
import { workflowLegacyImport } from '../nadooit_workflow/legacy-import.js';
import { erpLegacyImport } from '../nadoo_erp/legacy-import.js';
import { networkLegacyImport } from '../nadooit_network/legacy-import.js';

/**
 * Every app's part of the import, in the order their tables refer to each other (the order of
 * app/nadooit/apps.ts). Each app owns its mapping; this list only decides the order.
 */
export const IMPORT_PLAN: readonly LegacyAppImport[] = [
  authLegacyImport,
  crmLegacyImport,
  hrLegacyImport,
  keyLegacyImport,
  programLegacyImport,
  timeAccountLegacyImport,
  programOwnershipLegacyImport,
  apiKeyLegacyImport,
  executionsLegacyImport,
  complaintLegacyImport,
  workflowLegacyImport,
  erpLegacyImport,
  networkLegacyImport,
  questionsLegacyImport,
  websiteLegacyImport,
  botLegacyImport,
];

/** The apps this plan writes into (the module declares them as dependencies). */
export const IMPORTED_APPS = IMPORT_PLAN.map((part) => part.app);
