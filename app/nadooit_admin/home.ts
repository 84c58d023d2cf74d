import type { AdminHome } from '../core/admin/home.js';
import { countComplaintsInStatus } from '../nadoo_complaint_management/services.js';
import { listAccountsBelowLowBalance } from '../nadooit_time_account/low-balance.js';
import { countOpenTopUpRequests } from '../nadooit_time_account/top-up-requests.js';
import { LOW_BALANCE_PRESET } from '../nadooit_time_account/admin-low-balance.js';

/** Counted up to here; more are shown as "1000+" (the owners' functions stop there). */
export const ATTENTION_CAP = 1000;

/**
 * The admin's start page: the business apps first (people, customers, programs, time accounts, bookings,
 * complaints), then the website and the other apps, then the system. Every number of the "needs attention"
 * panel comes from the app that owns the counted table and links to the list filtered to those rows.
 */
export const adminHome: AdminHome = {
  sections: [
    {
      key: 'business',
      label: { de: 'Geschäft', en: 'Business' },
      apps: [
        'nadooit_auth',
        'nadooit_hr',
        'nadooit_crm',
        'nadooit_program',
        'nadooit_program_ownership_system',
        'nadooit_time_account',
        'nadooit_api_executions_system',
        'nadoo_complaint_management',
      ],
    },
    {
      key: 'more',
      label: { de: 'Website und weitere Apps', en: 'Website and more apps' },
      apps: ['nadooit_website', 'nadooit_questions_and_answers', 'bot_management', 'nadooit_network', 'nadoo_erp', 'nadooit_workflow'],
    },
    {
      key: 'system',
      label: { de: 'System', en: 'System' },
      apps: ['nadooit_api_key', 'nadooit_key', 'nadooit_admin', 'core'],
    },
  ],
  attention: [
    {
      key: 'open_complaints',
      label: { de: 'Offene Reklamationen', en: 'Open complaints' },
      resource: 'nadoo_complaint_management.complaints',
      filters: { status: 'OPEN' },
      count: (context) => countComplaintsInStatus(context.db.kysely, 'OPEN'),
    },
    {
      key: 'open_top_up_requests',
      label: { de: 'Offene Aufladeanfragen', en: 'Open top-up requests' },
      resource: 'nadooit_time_account.top_up_requests',
      filters: { status: 'open' },
      count: (context) => countOpenTopUpRequests(context.db.kysely),
    },
    {
      key: 'low_balance',
      label: { de: 'Zeitkonten unter der Warnschwelle', en: 'Time accounts below their warning level' },
      resource: 'nadooit_time_account.time_accounts',
      filters: { [LOW_BALANCE_PRESET]: '1' },
      count: async (context) => (await listAccountsBelowLowBalance(context.db.kysely, { limit: ATTENTION_CAP })).length,
      cap: ATTENTION_CAP,
    },
    {
      key: 'failed_jobs',
      label: { de: 'Fehlgeschlagene Aufträge', en: 'Failed background jobs' },
      resource: 'core.jobs',
      filters: { status: 'failed' },
      count: async (context) => (await context.queue.failed(ATTENTION_CAP)).length,
      cap: ATTENTION_CAP,
      // The list shows the database queue's table; with Redis the failed jobs live there.
      listed: (context) => context.queue.driver === 'db',
    },
  ],
};
