import { registerBooleanColumns } from '../core/db/dialects/columns.js';
import { MANAGER_ROLES } from './roles.js';
import type { AbilityOf, ManagerRole } from './roles.js';

export interface EmployeesTable {
  id: string;
  user_id: string;
  created_at: string;
  updated_at: string;
}

/** Membership of an employee in a customer; unique per (employee, customer). */
export interface EmployeeContractsTable {
  id: string;
  employee_id: string;
  customer_id: string;
  start_date: string;
  end_date: string | null;
  is_active: boolean;
  deactivation_date: string | null;
  created_at: string;
  updated_at: string;
}

export type RoleContractTable<R extends ManagerRole> = {
  id: string;
  contract_id: string;
  created_at: string;
  updated_at: string;
} & { [A in AbilityOf<R>]: boolean };

/** Who granted or revoked which role ability to whom, for which customer, when. */
export interface RoleChangesTable {
  id: string;
  actor_user_id: string | null;
  target_employee_id: string;
  customer_id: string;
  /** A manager role, or 'api_key_manager' for NadooitApiKeyManager appointments (nadooit_api_key). */
  role: ManagerRole | 'api_key_manager';
  /** An ability name, or null when the whole role was added or removed. */
  ability: string | null;
  action: 'grant' | 'revoke';
  created_at: string;
}

declare module '../core/db/schema.js' {
  interface Database {
    hr_employees: EmployeesTable;
    hr_employee_contracts: EmployeeContractsTable;
    hr_employee_manager_contracts: RoleContractTable<'employee_manager'>;
    hr_customer_program_manager_contracts: RoleContractTable<'customer_program_manager'>;
    hr_customer_program_execution_manager_contracts: RoleContractTable<'customer_program_execution_manager'>;
    hr_time_account_manager_contracts: RoleContractTable<'time_account_manager'>;
    hr_customer_manager_contracts: RoleContractTable<'customer_manager'>;
    hr_role_changes: RoleChangesTable;
  }
}

registerBooleanColumns('is_active', ...Object.values(MANAGER_ROLES).flatMap((r) => r.abilities));
