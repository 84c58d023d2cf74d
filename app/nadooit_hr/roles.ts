/**
 * The five manager roles. Each role is a contract attached to one EmployeeContract (so it counts only for
 * that contract's customer, and only while the contract is active) with its own boolean abilities.
 * Everything role-generic (tables, grants, permission checks, admin inlines) is derived from this list.
 */
export const MANAGER_ROLES = {
  employee_manager: {
    table: 'hr_employee_manager_contracts',
    abilities: ['can_add_new_employee', 'can_delete_employee', 'can_give_manager_role'],
    label: { de: 'Angestelltenverwalter', en: 'Employee manager' },
  },
  customer_program_manager: {
    table: 'hr_customer_program_manager_contracts',
    abilities: ['can_create_customer_program', 'can_delete_customer_program', 'can_give_manager_role'],
    label: { de: 'Kundenprogrammeverwalter', en: 'Customer program manager' },
  },
  customer_program_execution_manager: {
    table: 'hr_customer_program_execution_manager_contracts',
    abilities: ['can_create_customer_program_execution', 'can_delete_customer_program_execution', 'can_give_manager_role'],
    label: { de: 'Kundenprogrammausführungsverwalter', en: 'Execution manager' },
  },
  time_account_manager: {
    table: 'hr_time_account_manager_contracts',
    abilities: ['can_create_time_accounts', 'can_delete_time_accounts', 'can_give_manager_role'],
    label: { de: 'Zeitkontoverwalter', en: 'Time account manager' },
  },
  customer_manager: {
    table: 'hr_customer_manager_contracts',
    abilities: ['can_give_manager_role'],
    label: { de: 'Kundenverwalter', en: 'Customer manager' },
  },
} as const;

export type ManagerRole = keyof typeof MANAGER_ROLES;
export type RoleTable = (typeof MANAGER_ROLES)[ManagerRole]['table'];
export type AbilityOf<R extends ManagerRole> = (typeof MANAGER_ROLES)[R]['abilities'][number];

export const MANAGER_ROLE_NAMES = Object.keys(MANAGER_ROLES) as ManagerRole[];

export function isManagerRole(value: string): value is ManagerRole {
  return value in MANAGER_ROLES;
}

export function isAbilityOf(role: ManagerRole, ability: string): boolean {
  return (MANAGER_ROLES[role].abilities as readonly string[]).includes(ability);
}
