import type { ManagerRole } from '../nadooit_hr/roles.js';
import type { Filter } from './periods.js';

/** Every dashboard URL in one place; the original's paths where they exist (legacy-core §6.2). */
export const BASE = '/nadooit-os';

/** The roles that have a "Schlüssel freischalten" page, with the original's paths. */
export const GRANT_PAGES = {
  employee_manager: `${BASE}/hr/give-employee-manager-role`,
  time_account_manager: `${BASE}/time-account/give-customer-time-account-manager-role`,
  customer_program_execution_manager: `${BASE}/customer-program-execution/give-customer-program-execution-manager-role`,
  customer_program_manager: `${BASE}/customer-program/give-customer-program-manager-role`,
} as const satisfies Partial<Record<ManagerRole, string>>;
export type GrantableRole = keyof typeof GRANT_PAGES;

export const paths = {
  home: `${BASE}/`,
  profile: `${BASE}/hr/my-profile`,
  login: (next: string) => `/auth/login-user?next=${encodeURIComponent(next)}`,
  logout: '/auth/logout-user',
  securityKeys: '/auth/keys',
  sessions: '/auth/sessions',

  bookings: `${BASE}/customer-program-execution/customer-order-overview`,
  bookingsFragment: (filter: Filter, customerId: string) => `${BASE}/customer-program-execution-list-for-cutomer/${filter}/${customerId}`,
  bookingsExport: (filter: Filter, customerId: string) => `${BASE}/customer-program-execution/export/${filter}/${customerId}`,
  complaintModal: (executionId: string) => `${BASE}/customer-program-execution-list-complaint-modal/${executionId}`,
  sendComplaint: (executionId: string) => `${BASE}/customer-program-execution-send-complaint/${executionId}`,
  complaints: `${BASE}/complaints`,
  complaint: (complaintId: string) => `${BASE}/complaints/${complaintId}`,
  complaintComment: (complaintId: string) => `${BASE}/complaints/${complaintId}/comment`,

  timeAccounts: `${BASE}/time-account/customer-time-account-overview`,
  createTimeAccount: `${BASE}/time-account/create-customer-time-account`,
  // By the time account's own id, the one the REST API, the ledger and the CLI show (older links named the
  // customer's label of it and are redirected).
  timeAccount: (timeAccountId: string) => `${BASE}/time-account/customer-time-account/${timeAccountId}`,
  timeAccountTopUpRequest: (timeAccountId: string) => `${BASE}/time-account/customer-time-account/${timeAccountId}/top-up-request`,
  timeAccountThreshold: (timeAccountId: string) => `${BASE}/time-account/customer-time-account/${timeAccountId}/threshold`,

  programs: `${BASE}/customer-program/customer-program-overview`,
  program: (customerProgramId: string) => `${BASE}/customer-program/customer-program-profile/${customerProgramId}`,

  employees: `${BASE}/hr/employee-overview`,
  addEmployee: `${BASE}/hr/add-employee`,
  deactivateContract: (contractId: string) => `${BASE}/hr/deactivate-contract/${contractId}`,
  activateContract: (contractId: string) => `${BASE}/hr/activate-contract/${contractId}`,

  grant: (role: GrantableRole) => GRANT_PAGES[role],
  revokeRole: (role: GrantableRole) => `${GRANT_PAGES[role]}/revoke`,

  apiKeys: `${BASE}/api_key/`,
  createApiKey: `${BASE}/api_key/create-api-key`,
  revokeAllApiKeys: `${BASE}/api_key/revoke-api-key`,
  revokeApiKey: (keyId: string) => `${BASE}/api_key/${keyId}/revoke`,
  apiKeyManagerGrant: `${BASE}/api_key/give-api-key-manager-role`,
};

/** Process definitions (nadooit_workflow). */
export const workflowPaths = {
  overview: `${BASE}/workflow/processes`,
  create: (customerId: string) => `${BASE}/workflow/processes/${customerId}`,
  process: (processId: string) => `${BASE}/workflow/process/${processId}`,
  delete: (processId: string) => `${BASE}/workflow/process/${processId}/delete`,
};

/** Employee work time (nadooit_time_account/work-time). */
export const workTimePaths = {
  overview: `${BASE}/work-time/`,
  account: (accountId: string, query?: { unit?: string; date?: string }) =>
    `${BASE}/work-time/${accountId}${query?.unit ? `?unit=${encodeURIComponent(query.unit)}${query.date ? `&date=${encodeURIComponent(query.date)}` : ''}` : ''}`,
  clockIn: (accountId: string) => `${BASE}/work-time/${accountId}/clock-in`,
  clockOut: (accountId: string) => `${BASE}/work-time/${accountId}/clock-out`,
  addEntry: (accountId: string) => `${BASE}/work-time/${accountId}/entries`,
  changeEntry: (accountId: string, entryId: string) => `${BASE}/work-time/${accountId}/entries/${entryId}`,
  deleteEntry: (accountId: string, entryId: string) => `${BASE}/work-time/${accountId}/entries/${entryId}/delete`,
  weeklyHours: (accountId: string) => `${BASE}/work-time/${accountId}/weekly-hours`,
  export: (accountId: string, unit: string, date: string) => `${BASE}/work-time/${accountId}/export.csv?unit=${encodeURIComponent(unit)}&date=${encodeURIComponent(date)}`,
};

/** Program ownership (the original's placeholder pages, at its paths). */
export const ownershipPaths = {
  customer: '/program_ownership/customer_program_ownership_overview',
  staff: '/program_ownership/admin',
};
