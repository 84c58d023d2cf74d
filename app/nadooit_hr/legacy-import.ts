import { legacyBool, legacyOptionalDate, legacyDate, legacyTimestamp, legacyUuid, derivedUuid, timestampsOf } from '../core/legacy/values.js';
import { requireKnown, tableImport } from '../core/legacy/step.js';
import type { LegacyAppImport, LegacyImportContext } from '../core/legacy/step.js';
import { MANAGER_ROLES } from './roles.js';
import type { ManagerRole } from './roles.js';

/** The original's table of each manager role (one contract row per employee contract). */
const LEGACY_ROLE_TABLES: Record<ManagerRole, string> = {
  employee_manager: 'nadooit_hr_employeemanagercontract',
  customer_program_manager: 'nadooit_hr_customerprogrammanagercontract',
  customer_program_execution_manager: 'nadooit_hr_customerprogramexecutionmanagercontract',
  time_account_manager: 'nadooit_hr_timeaccountmanagercontract',
  customer_manager: 'nadooit_hr_customermanagercontract',
};

/** Legacy employee id → user id, for apps whose original tables point at the employee (key managers, complaints). */
export function legacyEmployeeUsers(context: LegacyImportContext): Map<string, string> {
  let map = context.shared.get('hr.employeeUsers') as Map<string, string> | undefined;
  if (!map) context.shared.set('hr.employeeUsers', (map = new Map()));
  return map;
}

function roleImport(role: ManagerRole) {
  const { table, abilities } = MANAGER_ROLES[role];
  const legacyTable = LEGACY_ROLE_TABLES[role];
  return tableImport({
    legacyTable,
    target: table,
    map(row, context) {
      const contractId = legacyUuid(row.contract_id, 'contract_id');
      requireKnown(context, 'hr_employee_contracts', contractId, 'employee contract');
      // Two of the original's role tables have no timestamps: those rows get the import's time.
      const created = row.created_at ? legacyTimestamp(row.created_at, 'created_at') : context.now;
      const mapped: Record<string, unknown> = {
        id: derivedUuid(legacyTable, row.id),
        contract_id: contractId,
        created_at: created,
        updated_at: row.updated_at ? legacyTimestamp(row.updated_at, 'updated_at') : created,
      };
      for (const ability of abilities) mapped[ability] = legacyBool(row[ability], ability);
      return mapped;
    },
    insertOnly: ['created_at', 'updated_at'],
  });
}

/** Employees, their contracts with customers and every manager role with its abilities. */
export const hrLegacyImport: LegacyAppImport = {
  app: 'nadooit_hr',
  steps: [
    tableImport({
      legacyTable: 'nadooit_hr_employee',
      target: 'hr_employees',
      map(row, context) {
        const id = legacyUuid(row.id);
        const userId = legacyUuid(row.user_id, 'user_id');
        requireKnown(context, 'users', userId, 'user');
        legacyEmployeeUsers(context).set(id, userId);
        return { id, user_id: userId, ...timestampsOf(row) };
      },
    }),
    tableImport({
      legacyTable: 'nadooit_hr_employeecontract',
      target: 'hr_employee_contracts',
      map(row, context) {
        const employeeId = legacyUuid(row.employee_id, 'employee_id');
        const customerId = legacyUuid(row.customer_id, 'customer_id');
        requireKnown(context, 'hr_employees', employeeId, 'employee');
        requireKnown(context, 'crm_customers', customerId, 'customer');
        return {
          id: legacyUuid(row.id),
          employee_id: employeeId,
          customer_id: customerId,
          start_date: legacyDate(row.start_date, 'start_date'),
          end_date: legacyOptionalDate(row.end_date, 'end_date'),
          is_active: legacyBool(row.is_active, 'is_active'),
          deactivation_date: legacyOptionalDate(row.deactivation_date, 'deactivation_date'),
          ...timestampsOf(row),
        };
      },
    }),
    ...(Object.keys(LEGACY_ROLE_TABLES) as ManagerRole[]).map(roleImport),
  ],
};
