import { createdAt, flag, relation, staffActor, updatedAt } from '../core/admin/fields.js';
import { ActionError } from '../core/admin/types.js';
import type { AdminAction, AdminField, AdminResource, Row, WriteContext } from '../core/admin/types.js';
import type { DB } from '../core/db/connection.js';
import type { Language } from '../core/ui/i18n.js';
import { addressLinks, customerInput, customersResource } from '../nadooit_crm/admin.js';
import { updateRow } from '../core/admin/records.js';
import { InvalidUserCode } from '../core/errors.js';
import { MANAGER_ROLE_NAMES, MANAGER_ROLES } from './roles.js';
import type { ManagerRole } from './roles.js';
import { contractById, ensureContract, setContractActive } from './services/contracts.js';
import { employeeLabel, getOrCreateEmployee } from './services/employees.js';
import { grantRole, revokeAbilities, revokeRole } from './services/grants.js';
import { createCustomerWithManagers } from './services/onboarding.js';
import './models.js';

const appLabel = { de: 'Personal und Rollen', en: 'Staff and roles' };

const ABILITY_LABELS: Record<string, { de: string; en: string }> = {
  can_add_new_employee: { de: 'Darf Mitarbeiter hinzufügen', en: 'May add employees' },
  can_delete_employee: { de: 'Darf Verträge (de)aktivieren', en: 'May (de)activate contracts' },
  can_give_manager_role: { de: 'Darf die Rolle vergeben', en: 'May give the role' },
  can_create_customer_program: { de: 'Darf Kundenprogramme anlegen', en: 'May create customer programs' },
  can_delete_customer_program: { de: 'Darf Kundenprogramme abschalten', en: 'May switch off customer programs' },
  can_create_customer_program_execution: { de: 'Darf Ausführungen anlegen', en: 'May create executions' },
  can_delete_customer_program_execution: { de: 'Darf Ausführungen stornieren', en: 'May revoke executions' },
  can_create_time_accounts: { de: 'Darf Zeitkonten anlegen', en: 'May create time accounts' },
  can_delete_time_accounts: { de: 'Darf Zeitkonten abschalten', en: 'May switch off time accounts' },
};

const byId = <T extends { id: string }>(rows: T[], label: (row: T) => string) => new Map(rows.map((r) => [r.id, label(r)]));

async function employeeTitles(db: DB, ids: string[]): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('hr_employees as e')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .select(['e.id', 'u.display_name', 'u.username', 'u.user_code'])
    .where('e.id', 'in', ids)
    .execute();
  return byId(rows, (r) => `${employeeLabel(r)} (${r.user_code})`);
}

const contractLabel = (r: { display_name: string; username: string | null; user_code: string; customer: string }, language: Language) =>
  `${language === 'de' ? 'Angestelltenvertrag' : 'Employment'}: ${employeeLabel(r)} – ${r.customer}`;

async function contractTitles(db: DB, ids: string[], language: Language): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('hr_employee_contracts as c')
    .innerJoin('hr_employees as e', 'e.id', 'c.employee_id')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .innerJoin('crm_customers as cu', 'cu.id', 'c.customer_id')
    .select(['c.id', 'u.display_name', 'u.username', 'u.user_code', 'cu.name as customer'])
    .where('c.id', 'in', ids)
    .execute();
  return byId(rows, (r) => contractLabel(r, language));
}

export const employeesResource: AdminResource = {
  app: 'nadooit_hr',
  appLabel,
  name: 'employees',
  table: 'hr_employees',
  label: { de: 'Mitarbeiter', en: 'Employee' },
  labelPlural: { de: 'Mitarbeiter', en: 'Employees' },
  title: { columns: ['user_id'], load: (db, ids) => employeeTitles(db, ids) },
  fields: [
    relation('user_id', { de: 'Benutzer', en: 'User' }, 'nadooit_auth.users', 'cascade', { required: true, createOnly: true }),
    createdAt(),
  ],
  list: {
    columns: ['user_id', 'created_at'],
    search: ['user_id'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  allow: { change: false },
  inlines: [{ resource: 'nadooit_hr.contracts', field: 'employee_id' }],
  hooks: {
    create: async (ctx, values) => (await getOrCreateEmployee(ctx.tx, String(values.user_id))).id,
  },
};

function contractAction(name: string, label: AdminAction['label'], active: boolean): AdminAction {
  return {
    name,
    label,
    permission: 'change',
    async run(ctx, ids) {
      for (const contractId of ids) await setContractActive(ctx.tx, { ...staffActor(ctx), contractId, active });
    },
  };
}

export const contractsResource: AdminResource = {
  app: 'nadooit_hr',
  appLabel,
  name: 'contracts',
  table: 'hr_employee_contracts',
  label: { de: 'Angestelltenvertrag', en: 'Employment contract' },
  labelPlural: { de: 'Angestelltenverträge', en: 'Employment contracts' },
  help: {
    de: 'Ein Vertrag macht eine Person zum Mitarbeiter eines Kunden; Rollen gelten nur, solange er aktiv ist.',
    en: 'A contract makes a person an employee of a customer; roles count only while it is active.',
  },
  title: { columns: ['employee_id', 'customer_id'], load: contractTitles },
  fields: [
    relation('employee_id', { de: 'Mitarbeiter', en: 'Employee' }, 'nadooit_hr.employees', 'cascade', { required: true, createOnly: true }),
    relation('customer_id', { de: 'Kunde', en: 'Customer' }, 'nadooit_crm.customers', 'cascade', { required: true, createOnly: true }),
    flag('is_active', { de: 'Aktiv', en: 'Active' }, { readOnly: true }),
    { name: 'start_date', label: { de: 'Beginn', en: 'Start' }, type: 'date', readOnly: true },
    { name: 'end_date', label: { de: 'Ende', en: 'End' }, type: 'date' },
    { name: 'deactivation_date', label: { de: 'Deaktiviert am', en: 'Deactivated on' }, type: 'date', readOnly: true },
    createdAt(),
    updatedAt(),
  ],
  list: {
    columns: ['employee_id', 'customer_id', 'is_active', 'start_date'],
    optionalColumns: ['end_date', 'deactivation_date', 'created_at'],
    search: ['employee_id', 'customer_id'],
    filters: ['is_active', 'customer_id', 'employee_id'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  inlines: MANAGER_ROLE_NAMES.map((role) => ({ resource: `nadooit_hr.${role}_contracts`, field: 'contract_id' })),
  actions: [
    contractAction('activate', { de: 'Vertrag aktivieren', en: 'Activate contract' }, true),
    contractAction('deactivate', { de: 'Vertrag deaktivieren', en: 'Deactivate contract' }, false),
  ],
  hooks: {
    create: async (ctx, values) => (await ensureContract(ctx.tx, String(values.employee_id), String(values.customer_id))).contract.id,
  },
};

/** The person and customer behind a contract, as the grant services address them. */
async function contractParties(ctx: WriteContext, contractId: string) {
  const contract = await contractById(ctx.tx, contractId);
  if (!contract) throw new ActionError(ctx.t('admin.not_found'));
  return { targetEmployeeId: contract.employee_id, customerId: contract.customer_id };
}

/** One role-contract resource per manager role; every change goes through the grant services (and is logged there). */
function roleContractResource(role: ManagerRole): AdminResource {
  const spec = MANAGER_ROLES[role];
  const abilities = spec.abilities as readonly string[];
  const table = spec.table;
  const checked = (values: Row) => abilities.filter((a) => values[a] === true);
  return {
    app: 'nadooit_hr',
    appLabel,
    name: `${role}_contracts`,
    table,
    label: { de: `${spec.label.de}vertrag`, en: `${spec.label.en} contract` },
    labelPlural: { de: `${spec.label.de}verträge`, en: `${spec.label.en} contracts` },
    title: {
      columns: ['contract_id'],
      async load(db, ids, language) {
        const rows = await db.selectFrom(table).select(['id', 'contract_id']).where('id', 'in', ids).execute();
        const contracts = await contractTitles(db, rows.map((r) => r.contract_id), language);
        return new Map(rows.map((r) => [r.id, `${spec.label[language]}: ${contracts.get(r.contract_id) ?? r.contract_id}`]));
      },
    },
    fields: [
      relation('contract_id', { de: 'Angestelltenvertrag', en: 'Employment contract' }, 'nadooit_hr.contracts', 'cascade', { required: true, createOnly: true }),
      ...abilities.map((a): AdminField => flag(a, ABILITY_LABELS[a] ?? { de: a, en: a })),
      createdAt(),
      updatedAt(),
    ],
    list: {
      columns: ['contract_id', ...abilities],
      search: ['contract_id'],
      filters: [...abilities],
      ordering: { field: 'created_at', direction: 'desc' },
    },
    hooks: {
      async create(ctx, values) {
        const parties = await contractParties(ctx, String(values.contract_id));
        return (await grantRole(ctx.tx, { ...staffActor(ctx), ...parties, role, abilities: checked(values) })).roleContractId;
      },
      async update(ctx, _id, values, before) {
        const parties = await contractParties(ctx, String(before.contract_id));
        const on = checked(values).filter((a) => before[a] !== true);
        const off = abilities.filter((a) => values[a] !== true && before[a] === true);
        if (on.length) await grantRole(ctx.tx, { ...staffActor(ctx), ...parties, role, abilities: on });
        if (off.length) await revokeAbilities(ctx.tx, { ...staffActor(ctx), ...parties, role, abilities: off });
      },
      async delete(ctx, ids) {
        const rows = await ctx.tx.selectFrom(table).select(['id', 'contract_id']).where('id', 'in', ids).execute();
        for (const row of rows) await revokeRole(ctx.tx, { ...staffActor(ctx), ...(await contractParties(ctx, row.contract_id)), role });
      },
    },
  };
}

export const roleChangesResource: AdminResource = {
  app: 'nadooit_hr',
  appLabel,
  name: 'role_changes',
  table: 'hr_role_changes',
  label: { de: 'Rollenänderung', en: 'Role change' },
  labelPlural: { de: 'Rollenänderungen', en: 'Role changes' },
  title: { columns: ['action', 'role', 'ability'], format: (row) => `${row.action} ${row.role}${row.ability ? ` ${row.ability}` : ''}` },
  timestamps: 'created',
  fields: [
    createdAt({ de: 'Zeitpunkt', en: 'When' }),
    { name: 'action', label: { de: 'Art', en: 'Kind' }, type: 'choice', readOnly: true, choices: [{ value: 'grant', label: { de: 'Vergeben', en: 'Granted' } }, { value: 'revoke', label: { de: 'Entzogen', en: 'Revoked' } }] },
    {
      name: 'role',
      label: { de: 'Rolle', en: 'Role' },
      type: 'choice',
      readOnly: true,
      choices: [...MANAGER_ROLE_NAMES.map((r) => ({ value: r, label: MANAGER_ROLES[r].label })), { value: 'api_key_manager', label: { de: 'API-Key-Verwalter', en: 'API key manager' } }],
    },
    { name: 'ability', label: { de: 'Berechtigung', en: 'Ability' }, type: 'text', readOnly: true },
    relation('target_employee_id', { de: 'Mitarbeiter', en: 'Employee' }, 'nadooit_hr.employees', 'cascade', { readOnly: true }),
    relation('customer_id', { de: 'Kunde', en: 'Customer' }, 'nadooit_crm.customers', 'cascade', { readOnly: true }),
    relation('actor_user_id', { de: 'Durch', en: 'By' }, 'nadooit_auth.users', 'set null', { readOnly: true }),
  ],
  list: {
    columns: ['created_at', 'action', 'role', 'ability', 'target_employee_id', 'customer_id', 'actor_user_id'],
    filters: ['action', 'role', 'customer_id', 'target_employee_id', 'created_at'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  allow: { add: false, change: false, delete: false },
};

/** Every manager role with every ability: what the first managers of a new customer get. */
const ALL_ROLES = Object.fromEntries(MANAGER_ROLE_NAMES.map((r) => [r, MANAGER_ROLES[r].abilities])) as Partial<Record<ManagerRole, readonly string[]>>;

/**
 * The customer form, extended by this app: "Kunde anlegen" creates the customer and its first managers
 * (every manager role with every ability) in one transaction, through the onboarding service.
 */
export const customersWithManagersResource: AdminResource = {
  ...customersResource,
  fields: [
    ...customersResource.fields,
    {
      name: 'first_managers',
      label: { de: 'Erste Verwalter (Benutzercodes)', en: 'First managers (user codes)' },
      type: 'textarea',
      virtual: true,
      createOnly: true,
      help: {
        de: 'Ein Benutzercode pro Zeile. Diese Personen werden Mitarbeiter des Kunden und erhalten alle Verwalterrollen mit allen Berechtigungen.',
        en: 'One user code per line. These people become employees of the customer with every manager role and every ability.',
      },
    },
  ],
  hooks: {
    ...customersResource.hooks,
    async create(ctx, values) {
      const codes = [...new Set(String(values.first_managers ?? '').split(/[\s,;]+/).filter(Boolean))];
      try {
        const { customer } = await createCustomerWithManagers(ctx.tx, {
          ...staffActor(ctx),
          customer: customerInput(values),
          managers: codes.map((userCode) => ({ userCode, roles: ALL_ROLES })),
        });
        await updateRow(ctx.tx, customersResource, customer.id, addressLinks(values));
        return customer.id;
      } catch (error) {
        if (error instanceof InvalidUserCode) throw new ActionError(error.message, { first_managers: [error.message] });
        throw error;
      }
    },
  },
};

export const hrResources: AdminResource[] = [
  customersWithManagersResource,
  employeesResource,
  contractsResource,
  ...MANAGER_ROLE_NAMES.map(roleContractResource),
  roleChangesResource,
];
