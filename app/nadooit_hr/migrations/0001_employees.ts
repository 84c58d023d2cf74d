import type { Migration } from '../../core/db/migrator.js';
import { MANAGER_ROLES } from '../roles.js';

export const createEmployees: Migration = {
  name: '0001_employees',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('hr_employees')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('user_id', c.uuid, (col) => col.notNull().unique().references('users.id').onDelete('cascade'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const createEmployeeContracts: Migration = {
  name: '0002_employee_contracts',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('hr_employee_contracts')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('employee_id', c.uuid, (col) => col.notNull().references('hr_employees.id').onDelete('cascade'))
      .addColumn('customer_id', c.uuid, (col) => col.notNull().references('crm_customers.id').onDelete('cascade'))
      .addColumn('start_date', c.date, (col) => col.notNull())
      .addColumn('end_date', c.date)
      .addColumn('is_active', c.boolean, (col) => col.notNull())
      .addColumn('deactivation_date', c.date)
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .addUniqueConstraint('hr_employee_contracts_employee_customer_uq', ['employee_id', 'customer_id'])
      .execute();
  },
};

export const contractCustomerIndex: Migration = {
  name: '0003_contract_customer_index',
  async up(db) {
    await db.schema.createIndex('hr_employee_contracts_customer_idx').on('hr_employee_contracts').column('customer_id').execute();
  },
};

/** One migration step per role table (one schema change per step, for CockroachDB). */
export const createRoleContracts: Migration[] = Object.values(MANAGER_ROLES).map((role, index) => ({
  name: `000${4 + index}_${role.table.replace(/^hr_/, '')}`,
  async up(db, { columns: c }) {
    let table = db.schema
      .createTable(role.table)
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('contract_id', c.uuid, (col) => col.notNull().unique().references('hr_employee_contracts.id').onDelete('cascade'));
    for (const ability of role.abilities) table = table.addColumn(ability, c.boolean, (col) => col.notNull().defaultTo(false));
    await table
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
}));

export const createRoleChanges: Migration = {
  name: '0009_role_changes',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('hr_role_changes')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('actor_user_id', c.uuid, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('target_employee_id', c.uuid, (col) => col.notNull().references('hr_employees.id').onDelete('cascade'))
      .addColumn('customer_id', c.uuid, (col) => col.notNull().references('crm_customers.id').onDelete('cascade'))
      .addColumn('role', 'text', (col) => col.notNull())
      .addColumn('ability', 'text')
      .addColumn('action', 'text', (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const hrMigrations: Migration[] = [createEmployees, createEmployeeContracts, contractCustomerIndex, ...createRoleContracts, createRoleChanges];
