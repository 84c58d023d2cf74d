import { insertRow } from '../core/admin/records.js';
import { auditDetail } from './views/audit-detail.js';
import type { AdminResource, Choice } from '../core/admin/types.js';

const appLabel = { de: 'Administration', en: 'Administration' };

export const AUDIT_LOG = 'nadooit_admin.audit_log';
export const PERMISSIONS = 'nadooit_admin.permissions';

const ACTIONS: Choice[] = [
  { value: 'create', label: { de: 'Angelegt', en: 'Added' } },
  { value: 'update', label: { de: 'Geändert', en: 'Changed' } },
  { value: 'delete', label: { de: 'Gelöscht', en: 'Deleted' } },
  { value: 'action', label: { de: 'Aktion', en: 'Action' } },
];

/** Every admin write; read-only for everyone (it is evidence). */
export const auditLogResource: AdminResource = {
  app: 'nadooit_admin',
  appLabel,
  name: 'audit_log',
  table: 'admin_audit_log',
  label: { de: 'Protokolleintrag', en: 'Audit entry' },
  labelPlural: { de: 'Änderungsprotokoll', en: 'Audit log' },
  title: { columns: ['action', 'object_label', 'created_at'], format: (row) => `${row.object_label} (${row.action_name ?? row.action})` },
  timestamps: 'created',
  fields: [
    { name: 'created_at', label: { de: 'Zeitpunkt', en: 'When' }, type: 'datetime', readOnly: true },
    { name: 'actor_user_id', label: { de: 'Benutzer', en: 'User' }, type: 'relation', relation: { resource: 'nadooit_auth.users', onDelete: 'set null' }, readOnly: true },
    { name: 'actor_label', label: { de: 'Name des Benutzers', en: 'User name' }, type: 'text', readOnly: true },
    { name: 'ip', label: { de: 'IP-Adresse', en: 'IP address' }, type: 'text', readOnly: true },
    { name: 'action', label: { de: 'Art', en: 'Kind' }, type: 'choice', choices: ACTIONS, readOnly: true },
    { name: 'action_name', label: { de: 'Aktion', en: 'Action' }, type: 'text', readOnly: true },
    { name: 'resource', label: { de: 'Modell', en: 'Model' }, type: 'text', readOnly: true },
    { name: 'object_id', label: { de: 'Objekt-ID', en: 'Object id' }, type: 'text', readOnly: true },
    { name: 'object_label', label: { de: 'Objekt', en: 'Object' }, type: 'text', readOnly: true },
    { name: 'changed_fields', label: { de: 'Geänderte Felder', en: 'Changed fields' }, type: 'text', readOnly: true },
    { name: 'input', label: { de: 'Eingaben', en: 'Input' }, type: 'json', readOnly: true },
    { name: 'before', label: { de: 'Vorher', en: 'Before' }, type: 'json', readOnly: true },
    { name: 'after', label: { de: 'Nachher', en: 'After' }, type: 'json', readOnly: true },
  ],
  list: {
    columns: ['created_at', 'actor_label', 'action', 'action_name', 'resource', 'object_label', 'changed_fields'],
    optionalColumns: ['ip', 'object_id'],
    search: [{ field: 'object_id', mode: 'exact' }, 'object_label', 'actor_label'],
    filters: ['action', 'created_at', 'actor_user_id', 'resource', 'object_id'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  allow: { add: false, change: false, delete: false },
  extra: async (_db, row, d) => auditDetail(row, d),
};

const PERMISSION_CHOICES: Choice[] = [
  { value: 'view', label: { de: 'Ansehen', en: 'View' } },
  { value: 'add', label: { de: 'Hinzufügen', en: 'Add' } },
  { value: 'change', label: { de: 'Ändern', en: 'Change' } },
  { value: 'delete', label: { de: 'Löschen', en: 'Delete' } },
];

/** Per-model permissions of staff who are not superusers; only superusers manage them. */
export function permissionsResource(resourceChoices: () => Choice[]): AdminResource {
  const resource: AdminResource = {
    app: 'nadooit_admin',
    appLabel,
    name: 'permissions',
    table: 'admin_permissions',
    label: { de: 'Admin-Berechtigung', en: 'Admin permission' },
    labelPlural: { de: 'Admin-Berechtigungen', en: 'Admin permissions' },
    help: {
      de: 'Mitarbeiter mit Staff-Status, die keine Superuser sind, sehen und ändern nur die Modelle, für die sie hier eine Berechtigung haben. Hinzufügen, Ändern und Löschen schließen das Ansehen ein.',
      en: 'Staff members who are not superusers see and change only the models they have a permission for here. Add, change and delete include view.',
    },
    superuserOnly: true,
    title: { columns: ['resource', 'permission'], format: (row) => `${row.resource}: ${row.permission}` },
    fields: [
      {
        name: 'user_id',
        label: { de: 'Mitarbeiter', en: 'Staff member' },
        type: 'relation',
        relation: { resource: 'nadooit_auth.users', onDelete: 'cascade' },
        required: true,
        help: { de: 'Nur Benutzer mit Staff-Status können sich an der Administration anmelden.', en: 'Only users with staff status can log in to the admin.' },
      },
      { name: 'resource', label: { de: 'Modell', en: 'Model' }, type: 'choice', choices: resourceChoices, required: true },
      { name: 'permission', label: { de: 'Berechtigung', en: 'Permission' }, type: 'choice', choices: PERMISSION_CHOICES, required: true },
      { name: 'granted_by', label: { de: 'Erteilt von', en: 'Granted by' }, type: 'relation', relation: { resource: 'nadooit_auth.users', onDelete: 'set null' }, readOnly: true },
      { name: 'created_at', label: { de: 'Erteilt am', en: 'Granted at' }, type: 'datetime', readOnly: true },
    ],
    list: {
      columns: ['user_id', 'resource', 'permission', 'created_at'],
      filters: ['permission', 'user_id'],
      search: ['resource'],
      ordering: { field: 'created_at', direction: 'desc' },
    },
    hooks: {
      create: (ctx, values) => insertRow(ctx.tx, resource, { ...values, granted_by: ctx.actor.id }),
    },
  };
  return resource;
}
