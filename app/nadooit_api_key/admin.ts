import { createdAt, flag, relation, staffActor, updatedAt } from '../core/admin/fields.js';
import type { AdminAction, AdminResource, Row } from '../core/admin/types.js';
import { LinkList } from '../core/admin/views/extras.js';
import { API_KEY_MANAGER_ABILITIES, appointApiKeyManager, removeApiKeyManagerCustomers, revokeApiKey } from './services/index.js';
import './models.js';
import { titledByPerson } from '../nadooit_auth/admin.js';
import { personTitle } from '../nadooit_auth/services/users.js';

const appLabel = { de: 'API-Schlüssel', en: 'API keys' };

export const apiKeysResource: AdminResource = {
  app: 'nadooit_api_key',
  appLabel,
  name: 'api_keys',
  table: 'api_keys',
  label: { de: 'API-Schlüssel', en: 'API key' },
  labelPlural: { de: 'API-Schlüssel', en: 'API keys' },
  help: { de: 'Schlüssel werden von ihren Besitzern im NADOOIT OS erzeugt und nur einmal angezeigt; hier können sie widerrufen werden.', en: 'Keys are created by their owners in NADOOIT OS and shown once; here they can be revoked.' },
  title: { columns: ['name', 'prefix'], format: (row) => `${row.name || 'API-Schlüssel'}${row.prefix ? ` (${row.prefix}…)` : ''}` },
  fields: [
    { name: 'name', label: { de: 'Name', en: 'Name' }, type: 'text', readOnly: true },
    { name: 'prefix', label: { de: 'Präfix', en: 'Prefix' }, type: 'text', readOnly: true },
    relation('user_id', { de: 'Besitzer', en: 'Owner' }, 'nadooit_auth.users', 'cascade', { readOnly: true }),
    relation('customer_id', { de: 'Kunde', en: 'Customer' }, 'nadooit_crm.customers', 'set null', { readOnly: true }),
    flag('is_active', { de: 'Aktiv', en: 'Active' }, { readOnly: true }),
    { name: 'key_hash', label: { de: 'Hash', en: 'Hash' }, type: 'text', sensitive: true },
    { name: 'expires_at', label: { de: 'Läuft ab', en: 'Expires' }, type: 'datetime', readOnly: true },
    { name: 'last_used_at', label: { de: 'Zuletzt benutzt', en: 'Last used' }, type: 'datetime', readOnly: true },
    { name: 'revoked_at', label: { de: 'Widerrufen', en: 'Revoked' }, type: 'datetime', readOnly: true },
    createdAt(),
  ],
  list: {
    columns: ['name', 'prefix', 'user_id', 'customer_id', 'is_active', 'last_used_at', 'created_at'],
    optionalColumns: ['expires_at', 'revoked_at'],
    search: ['name', { field: 'prefix', mode: 'exact' }, 'user_id'],
    filters: ['is_active', 'customer_id', 'user_id', 'created_at'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  allow: { add: false, change: false },
  actions: [
    {
      name: 'revoke',
      label: { de: 'Widerrufen', en: 'Revoke' },
      description: { de: 'Der Schlüssel wird sofort ungültig.', en: 'The key stops working at once.' },
      permission: 'change',
      destructive: true,
      async run(ctx, ids) {
        for (const keyId of ids) await revokeApiKey(ctx.tx, { ...staffActor(ctx), keyId });
      },
    },
  ],
};

const ABILITY_LABELS = {
  can_create_api_key: { de: 'Darf API-Schlüssel erstellen', en: 'May create API keys' },
  can_delete_api_key: { de: 'Darf API-Schlüssel widerrufen', en: 'May revoke API keys' },
  can_give_manager_role: { de: 'Darf die Rolle vergeben', en: 'May give the role' },
} as const;

const checked = (values: Row) => API_KEY_MANAGER_ABILITIES.filter((a) => values[a] === true);

function customerAction(name: string, label: AdminAction['label'], add: boolean): AdminAction {
  return {
    name,
    label,
    permission: 'change',
    fields: [relation('customer_id', { de: 'Kunde', en: 'Customer' }, 'nadooit_crm.customers', 'cascade', { required: true })],
    async run(ctx, ids, values) {
      const customerIds = [String(values.customer_id)];
      for (const id of ids) {
        const manager = await ctx.tx.selectFrom('api_key_managers').select('employee_id').where('id', '=', id).executeTakeFirstOrThrow();
        const target = { ...staffActor(ctx), targetEmployeeId: manager.employee_id, customerIds };
        if (add) await appointApiKeyManager(ctx.tx, { ...target, abilities: [] });
        else await removeApiKeyManagerCustomers(ctx.tx, target);
      }
    },
  };
}

/** The API-key-manager role: appointed through the service (abilities and customers, logged in the role history). */
export const apiKeyManagersResource: AdminResource = {
  app: 'nadooit_api_key',
  appLabel,
  name: 'managers',
  table: 'api_key_managers',
  label: { de: 'API-Key-Verwalter', en: 'API key manager' },
  labelPlural: { de: 'API-Key-Verwalter', en: 'API key managers' },
  help: {
    de: 'Ein API-Key-Verwalter darf für die Kunden seiner Liste Schlüssel erstellen oder widerrufen. Kunden fügen Sie auf der Detailseite hinzu oder entfernen sie dort.',
    en: 'An API key manager may create or revoke keys for the customers on their list. Add or remove customers on the detail page.',
  },
  title: titledByPerson('employee_id', (db, ids) =>
    db.selectFrom('api_key_managers as m').innerJoin('hr_employees as e', 'e.id', 'm.employee_id').select(['m.id', 'e.user_id']).where('m.id', 'in', ids).execute(),
  ),
  fields: [
    relation('employee_id', { de: 'Mitarbeiter', en: 'Employee' }, 'nadooit_hr.employees', 'cascade', { required: true, createOnly: true }),
    relation('first_customer_id', { de: 'Erster Kunde', en: 'First customer' }, 'nadooit_crm.customers', 'cascade', { virtual: true, createOnly: true }),
    ...API_KEY_MANAGER_ABILITIES.map((a) => flag(a, ABILITY_LABELS[a])),
    createdAt(),
    updatedAt(),
  ],
  list: {
    columns: ['employee_id', ...API_KEY_MANAGER_ABILITIES, 'created_at'],
    filters: [...API_KEY_MANAGER_ABILITIES],
    search: ['employee_id'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  // No service takes the role away again (only customers off the list), so it is not deleted here either.
  allow: { change: false, delete: false },
  actions: [
    {
      name: 'grant_abilities',
      label: { de: 'Berechtigungen hinzufügen', en: 'Add abilities' },
      permission: 'change',
      fields: API_KEY_MANAGER_ABILITIES.map((a) => flag(a, ABILITY_LABELS[a])),
      async run(ctx, ids, values) {
        for (const id of ids) {
          const manager = await ctx.tx.selectFrom('api_key_managers').select('employee_id').where('id', '=', id).executeTakeFirstOrThrow();
          await appointApiKeyManager(ctx.tx, { ...staffActor(ctx), targetEmployeeId: manager.employee_id, customerIds: [], abilities: checked(values) });
        }
      },
    },
    customerAction('add_customer', { de: 'Kunde hinzufügen', en: 'Add customer' }, true),
    customerAction('remove_customer', { de: 'Kunde entfernen', en: 'Remove customer' }, false),
  ],
  hooks: {
    async create(ctx, values) {
      const result = await appointApiKeyManager(ctx.tx, {
        ...staffActor(ctx),
        targetEmployeeId: String(values.employee_id),
        customerIds: values.first_customer_id ? [String(values.first_customer_id)] : [],
        abilities: checked(values),
      });
      return result.managerId;
    },
  },
  async extra(db, row, d) {
    const customers = await db
      .selectFrom('api_key_manager_customers as mc')
      .innerJoin('crm_customers as c', 'c.id', 'mc.customer_id')
      .select(['c.id', 'c.name'])
      .where('mc.manager_id', '=', String(row.id))
      .orderBy('c.name')
      .execute();
    const appointees = await db
      .selectFrom('api_key_manager_appointees as a')
      .innerJoin('hr_employees as e', 'e.id', 'a.employee_id')
      .innerJoin('users as u', 'u.id', 'e.user_id')
      .select(['e.id', 'u.display_name', 'u.user_code'])
      .where('a.manager_id', '=', String(row.id))
      .orderBy('u.display_name')
      .execute();
    return (
      (await LinkList({
        d,
        title: { de: 'Zuständig für die Kunden', en: 'Responsible for the customers' },
        resource: 'nadooit_crm.customers',
        items: customers.map((c) => ({ id: c.id, title: c.name })),
        id: 'api-key-manager-customers',
      })) +
      (await LinkList({
        d,
        title: { de: 'Hat die Rolle vergeben an', en: 'Has given the role to' },
        resource: 'nadooit_hr.employees',
        items: appointees.map((a) => ({ id: a.id, title: personTitle(a) })),
        id: 'api-key-manager-appointees',
      }))
    );
  },
};

export const apiKeyResources: AdminResource[] = [apiKeysResource, apiKeyManagersResource];
