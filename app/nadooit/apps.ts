import type { AppContext, AppModule } from '../core/app-module.js';
import { coreModule } from '../core/module.js';
import { nadooitOpsApp } from '../nadooit_ops/module.js';
import { nadooitAuthApp } from '../nadooit_auth/module.js';
import { nadooitCrmApp } from '../nadooit_crm/module.js';
import { nadooitHrApp } from '../nadooit_hr/module.js';
import { nadooitKeyApp } from '../nadooit_key/module.js';
import { nadooitProgramApp } from '../nadooit_program/module.js';
import { nadooitWorkflowApp } from '../nadooit_workflow/module.js';
import { nadooitTimeAccountApp } from '../nadooit_time_account/module.js';
import { nadooitProgramOwnershipSystemApp } from '../nadooit_program_ownership_system/module.js';
import { nadooitApiKeyApp } from '../nadooit_api_key/module.js';
import { nadooitApiExecutionsSystemApp } from '../nadooit_api_executions_system/module.js';
import { nadooComplaintManagementApp } from '../nadoo_complaint_management/module.js';
import { nadooitNetworkApp } from '../nadooit_network/module.js';
import { nadooErpApp } from '../nadoo_erp/module.js';
import { nadooitApiApp } from '../nadooit_api/module.js';
import { nadooitOsApp } from '../nadooit_os/module.js';
import { nadooitWebsiteApp } from '../nadooit_website/module.js';
import { nadooitQuestionsAndAnswersApp } from '../nadooit_questions_and_answers/module.js';
import { botManagementApp } from '../bot_management/module.js';
import { nadooitAdminApp } from '../nadooit_admin/module.js';
import { nadooitImportApp } from '../nadooit_import/module.js';

/**
 * Every installed app, in dependency order (like Django's INSTALLED_APPS). Migrations, routes, tasks,
 * commands and messages are collected from here and nowhere else.
 */
export function installedApps(context: () => AppContext): AppModule[] {
  return [
    coreModule(context),
    nadooitOpsApp(context),
    nadooitAuthApp(context),
    nadooitCrmApp(context),
    nadooitHrApp(context),
    nadooitKeyApp(context),
    nadooitProgramApp(context),
    nadooitWorkflowApp(context),
    nadooitTimeAccountApp(context),
    nadooitProgramOwnershipSystemApp(context),
    nadooitApiKeyApp(context),
    nadooitApiExecutionsSystemApp(context),
    nadooComplaintManagementApp(context),
    nadooitNetworkApp(context),
    nadooErpApp(context),
    nadooitApiApp(context),
    nadooitOsApp(context),
    nadooitWebsiteApp(context),
    nadooitQuestionsAndAnswersApp(context),
    botManagementApp(context),
    nadooitAdminApp(context),
    nadooitImportApp(),
  ];
}

/** Fails fast when an app is listed before one it depends on. */
export function checkAppOrder(apps: AppModule[]): void {
  const seen = new Set<string>();
  for (const app of apps) {
    for (const dependency of app.dependsOn ?? []) {
      if (!seen.has(dependency)) throw new Error(`app ${app.name} depends on ${dependency}, which is not listed before it`);
    }
    seen.add(app.name);
  }
}
