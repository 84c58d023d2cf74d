import { createdAt, flag, relation } from '../core/admin/fields.js';
import { ActionError } from '../core/admin/types.js';
import type { AdminAction, AdminResource, WriteContext } from '../core/admin/types.js';
import { SECURITY_EVENTS } from './services/audit.js';
import { deleteCredential, setCredentialEnabled } from './services/credentials.js';
import { AuthRefused } from './services/errors.js';
import { resetAuthenticatorApp } from './services/second-factor-reset.js';
import { revokeAllUserSessions } from '../core/http/sessions.js';
import { hashPassword, passwordProblem } from './services/passwords.js';
import { createUser, personTitlesOf, userLabel } from './services/users.js';
import type { DB } from '../core/db/connection.js';
import './models.js';

const appLabel = { de: 'Authentifizierung', en: 'Authentication' };

/**
 * The admin title of a role row that belongs to one person: "Name (CODE)". `ownersOf` maps the page's row
 * ids to their people's user ids (a query on the role's own table); the names come from the accounts.
 */
export function titledByPerson(column: string, ownersOf: (db: DB, ids: string[]) => Promise<Array<{ id: string; user_id: string }>>): AdminResource['title'] {
  return {
    columns: [column],
    async load(db, ids) {
      const owners = await ownersOf(db, ids);
      const titles = await personTitlesOf(db, owners.map((o) => o.user_id));
      return new Map(owners.map((o) => [o.id, titles.get(o.user_id) ?? o.user_id]));
    },
  };
}

/** Staff accounts (and their keys) are changed by superusers only: nobody widens or removes power above their own. */
export async function assertMayManage(ctx: WriteContext, userIds: string[]): Promise<void> {
  if (ctx.actor.isSuperuser || userIds.length === 0) return;
  const staff = await ctx.tx
    .selectFrom('users')
    .select('id')
    .where('id', 'in', userIds)
    .where((eb) => eb.or([eb('is_staff', '=', true), eb('is_superuser', '=', true)]))
    .executeTakeFirst();
  if (staff) throw new ActionError(ctx.t('admin.error.staff_account'));
}

/** The identity services refuse with a message key; the admin shows the message. */
export async function refusals<T>(ctx: WriteContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AuthRefused) throw new ActionError(ctx.t(error.messageKey));
    throw error;
  }
}

/** People: user codes are generated, passwords set by a superuser action, staff flags by superusers only. */
export const usersResource: AdminResource = {
  app: 'nadooit_auth',
  appLabel,
  name: 'users',
  table: 'users',
  label: { de: 'Benutzer', en: 'User' },
  labelPlural: { de: 'Benutzer', en: 'Users' },
  title: {
    columns: ['display_name', 'username', 'user_code'],
    format: (row) => `${userLabel(row as { display_name: string; username: string | null; user_code: string })} (${row.user_code})`,
  },
  fields: [
    {
      name: 'user_code',
      label: { de: 'Benutzercode', en: 'User code' },
      type: 'text',
      readOnly: true,
      help: { de: 'Wird beim Anlegen erzeugt und steht auf dem Sicherheitsschlüssel.', en: 'Generated on creation; written on the security key.' },
    },
    { name: 'display_name', label: { de: 'Anzeigename', en: 'Display name' }, type: 'text', required: true, maxLength: 64 },
    {
      name: 'username',
      label: { de: 'Benutzername', en: 'Username' },
      type: 'text',
      maxLength: 150,
      help: { de: 'Nur für Mitarbeiter, die sich mit Passwort an der Administration anmelden.', en: 'Only for staff who log in to the admin with a password.' },
    },
    { name: 'email', label: { de: 'E-Mail', en: 'E-mail' }, type: 'email', maxLength: 254 },
    { name: 'is_active', label: { de: 'Aktiv', en: 'Active' }, type: 'boolean', initial: true, help: { de: 'Inaktive Benutzer können sich nicht anmelden und keine API-Schlüssel nutzen.', en: 'Inactive users cannot log in or use API keys.' } },
    { name: 'is_staff', label: { de: 'Mitarbeiterstatus', en: 'Staff status' }, type: 'boolean', superuserOnly: true, help: { de: 'Darf sich an der Administration anmelden (mit Passwort und zweitem Faktor).', en: 'May log in to the admin (password and second factor).' } },
    { name: 'is_superuser', label: { de: 'Superuser-Status', en: 'Superuser status' }, type: 'boolean', superuserOnly: true, help: { de: 'Hat alle Rechte, ohne dass sie einzeln vergeben werden.', en: 'Has every permission without granting them one by one.' } },
    { name: 'password_hash', label: { de: 'Passwort', en: 'Password' }, type: 'text', sensitive: true },
    { name: 'last_login', label: { de: 'Letzte Anmeldung', en: 'Last login' }, type: 'datetime', readOnly: true },
    { name: 'created_at', label: { de: 'Angelegt', en: 'Created' }, type: 'datetime', readOnly: true },
  ],
  list: {
    columns: ['display_name', 'user_code', 'username', 'is_active', 'is_staff', 'last_login'],
    optionalColumns: ['email', 'is_superuser', 'created_at'],
    search: ['display_name', { field: 'user_code', mode: 'exact' }, 'username', 'email'],
    filters: ['is_active', 'is_staff', 'is_superuser', 'created_at'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  inlines: [
    { resource: 'nadooit_auth.credentials', field: 'user_id' },
    { resource: 'nadooit_api_key.api_keys', field: 'user_id' },
  ],
  hooks: {
    async create(ctx, values) {
      const user = await createUser(ctx.tx, {
        displayName: String(values.display_name),
        username: (values.username as string | null) ?? null,
        email: (values.email as string | null) ?? null,
        isActive: values.is_active === true,
        isStaff: values.is_staff === true,
        isSuperuser: values.is_superuser === true,
      });
      return user.id;
    },
    async validate(ctx, _values, mode, id) {
      if (mode !== 'change' || !id) return undefined;
      await assertMayManage(ctx, [id]);
      return undefined;
    },
    async delete(ctx, ids) {
      if (ids.includes(ctx.actor.id)) throw new ActionError(ctx.t('admin.error.own_account'));
      await assertMayManage(ctx, ids);
      await ctx.tx.deleteFrom('users').where('id', 'in', ids).execute();
    },
  },
  actions: [
    {
      name: 'set_password',
      label: { de: 'Passwort setzen', en: 'Set password' },
      description: {
        de: 'Setzt das Passwort für die Anmeldung an der Administration. Der zweite Faktor bleibt unverändert.',
        en: 'Sets the password for the admin login. The second factor stays as it is.',
      },
      permission: 'change',
      superuserOnly: true,
      onList: false,
      fields: [{ name: 'password', label: { de: 'Neues Passwort', en: 'New password' }, type: 'password', required: true }],
      async run(ctx, ids, values) {
        const password = String(values.password);
        for (const id of ids) {
          const user = await ctx.tx.selectFrom('users').select(['username']).where('id', '=', id).executeTakeFirstOrThrow();
          const problem = passwordProblem(password, user.username ?? undefined);
          if (problem) throw new ActionError(ctx.t(problem), { password: [ctx.t(problem)] });
          await ctx.tx.updateTable('users').set({ password_hash: await hashPassword(password), updated_at: new Date().toISOString() }).where('id', '=', id).execute();
        }
      },
    },
    {
      name: 'reset_authenticator_app',
      label: { de: 'Authenticator-App zurücksetzen', en: 'Reset authenticator app' },
      description: {
        de: 'Entfernt die Authenticator-App (TOTP) und die Wiederherstellungscodes und meldet die Person überall ab. Bei der nächsten Anmeldung an der Administration richtet sie den zweiten Faktor neu ein (oder nutzt einen registrierten Sicherheitsschlüssel).',
        en: 'Removes the authenticator app (TOTP) and the recovery codes and signs the person out everywhere. At the next admin login they enrol a second factor again (or use a registered security key).',
      },
      permission: 'change',
      superuserOnly: true,
      destructive: true,
      onList: false,
      async run(ctx, ids) {
        for (const id of ids) await refusals(ctx, () => resetAuthenticatorApp(ctx.tx, ctx.actor, id));
        return { message: ctx.t('auth.totp_reset.done') };
      },
    },
  ],
};

/** Security keys (WebAuthn credentials): read-only except for disabling, enabling and deleting a lost key. */
export const credentialsResource: AdminResource = {
  app: 'nadooit_auth',
  appLabel,
  name: 'credentials',
  table: 'auth_credentials',
  label: { de: 'Sicherheitsschlüssel', en: 'Security key' },
  labelPlural: { de: 'Sicherheitsschlüssel', en: 'Security keys' },
  title: { columns: ['name'] },
  fields: [
    { name: 'name', label: { de: 'Name', en: 'Name' }, type: 'text', readOnly: true },
    relation('user_id', { de: 'Person', en: 'Person' }, 'nadooit_auth.users', 'cascade', { readOnly: true }),
    flag('is_enabled', { de: 'Aktiv', en: 'Enabled' }, { readOnly: true }),
    flag('backed_up', { de: 'Synchronisiert (Passkey)', en: 'Synced (passkey)' }, { readOnly: true }),
    { name: 'credential_id', label: { de: 'Credential-ID', en: 'Credential id' }, type: 'text', readOnly: true },
    { name: 'public_key', label: { de: 'Öffentlicher Schlüssel', en: 'Public key' }, type: 'text', sensitive: true },
    { name: 'sign_count', label: { de: 'Zähler', en: 'Counter' }, type: 'integer', readOnly: true },
    { name: 'last_used_at', label: { de: 'Zuletzt benutzt', en: 'Last used' }, type: 'datetime', readOnly: true },
    createdAt(),
  ],
  list: {
    columns: ['name', 'user_id', 'is_enabled', 'last_used_at', 'created_at'],
    filters: ['is_enabled', 'user_id'],
    search: ['name', 'user_id'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  allow: { add: false, change: false },
  actions: [credentialSwitch('disable', false), credentialSwitch('enable', true)],
  hooks: {
    async delete(ctx, ids) {
      const rows = await ctx.tx.selectFrom('auth_credentials').select(['id', 'user_id']).where('id', 'in', ids).execute();
      await assertMayManage(ctx, rows.map((r) => r.user_id));
      for (const row of rows) {
        await deleteCredential(ctx.tx, row.user_id, row.id, { allowLastKey: true });
        await revokeAllUserSessions(ctx.tx, row.user_id);
      }
    },
  },
};

function credentialSwitch(name: 'enable' | 'disable', enabled: boolean): AdminAction {
  return {
    name,
    label: enabled ? { de: 'Aktivieren', en: 'Enable' } : { de: 'Sperren', en: 'Disable' },
    permission: 'change',
    async run(ctx, ids) {
      const rows = await ctx.tx.selectFrom('auth_credentials').select(['id', 'user_id']).where('id', 'in', ids).execute();
      await assertMayManage(ctx, rows.map((r) => r.user_id));
      for (const row of rows) {
        await setCredentialEnabled(ctx.tx, row.user_id, row.id, enabled, { allowLastKey: true });
        if (!enabled) await revokeAllUserSessions(ctx.tx, row.user_id);
      }
    },
  };
}

/** The identity app's security log (logins, lockouts, key changes): evidence, read-only. */
export const securityEventsResource: AdminResource = {
  app: 'nadooit_auth',
  appLabel,
  name: 'security_events',
  table: 'auth_audit_log',
  label: { de: 'Sicherheitsereignis', en: 'Security event' },
  labelPlural: { de: 'Sicherheitsprotokoll', en: 'Security log' },
  superuserOnly: true,
  title: { columns: ['event', 'created_at'] },
  timestamps: 'created',
  fields: [
    createdAt({ de: 'Zeitpunkt', en: 'When' }),
    { name: 'event', label: { de: 'Ereignis', en: 'Event' }, type: 'choice', readOnly: true, choices: SECURITY_EVENTS.map((e) => ({ value: e, label: { de: e, en: e } })) },
    relation('user_id', { de: 'Person', en: 'Person' }, 'nadooit_auth.users', 'set null', { readOnly: true }),
    relation('actor_id', { de: 'Durch', en: 'By' }, 'nadooit_auth.users', 'set null', { readOnly: true }),
    { name: 'ip', label: { de: 'IP-Adresse', en: 'IP address' }, type: 'text', readOnly: true },
    { name: 'user_agent', label: { de: 'Browser', en: 'Browser' }, type: 'text', readOnly: true },
    { name: 'detail', label: { de: 'Details', en: 'Details' }, type: 'json', readOnly: true },
  ],
  list: {
    columns: ['created_at', 'event', 'user_id', 'ip'],
    optionalColumns: ['actor_id', 'user_agent', 'detail'],
    search: [{ field: 'ip', mode: 'exact' }, 'user_id'],
    filters: ['event', 'created_at', 'user_id'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  allow: { add: false, change: false, delete: false },
};

export const authResources: AdminResource[] = [usersResource, credentialsResource, securityEventsResource];
