import { createdAt, flag, relation, updatedAt } from '../core/admin/fields.js';
import { ActionError } from '../core/admin/types.js';
import type { AdminResource, Row, WriteContext } from '../core/admin/types.js';
import { refusals, titledByPerson, usersResource } from '../nadooit_auth/admin.js';
import { deleteAllCredentials } from '../nadooit_auth/services/credentials.js';
import { revokeAllUserSessions } from '../core/http/sessions.js';
import { enrolmentPath, issueEnrolmentToken } from '../nadooit_auth/services/tokens.js';
import { grantKeyManager, KEY_ABILITIES, newEnrolmentLink, recordEnrolmentLink, removeKeyManager, resetPersonKeys } from './services.js';
import type { KeyAbilities } from './services.js';
import './models.js';
import { findUserById } from '../nadooit_auth/services/users.js';
import { NotFound } from '../core/errors.js';

const ABILITY_LABELS: Record<string, { de: string; en: string }> = {
  can_create_keys: { de: 'Darf Personen registrieren', en: 'May register people' },
  can_delete_keys: { de: 'Darf Schlüssel sperren und löschen', en: 'May disable and delete keys' },
  can_update_keys: { de: 'Darf Schlüssel bearbeiten', en: 'May edit keys' },
  can_create_key_managers: { de: 'Darf Schlüsselverwalter ernennen', en: 'May appoint key managers' },
  can_delete_key_managers: { de: 'Darf Schlüsselverwalter entfernen', en: 'May remove key managers' },
  can_update_key_managers: { de: 'Darf Schlüsselverwalter bearbeiten', en: 'May edit key managers' },
};

const abilities = (values: Row) => Object.fromEntries(KEY_ABILITIES.map((a) => [a, values[a] === true])) as KeyAbilities;

export const keyManagersResource: AdminResource = {
  app: 'nadooit_key',
  appLabel: { de: 'Schlüsselverwaltung', en: 'Key management' },
  name: 'key_managers',
  table: 'key_managers',
  label: { de: 'Schlüsselverwalter', en: 'Key manager' },
  labelPlural: { de: 'Schlüsselverwalter', en: 'Key managers' },
  help: {
    de: 'Schlüsselverwalter registrieren Personen und verwalten deren Sicherheitsschlüssel im NADOOIT OS.',
    en: 'Key managers register people and manage their security keys in NADOOIT OS.',
  },
  title: titledByPerson('user_id', (db, ids) => db.selectFrom('key_managers').select(['id', 'user_id']).where('id', 'in', ids).execute()),
  fields: [
    relation('user_id', { de: 'Person', en: 'Person' }, 'nadooit_auth.users', 'cascade', { required: true, createOnly: true }),
    ...KEY_ABILITIES.map((a) => flag(a, ABILITY_LABELS[a]!)),
    relation('appointed_by', { de: 'Ernannt von', en: 'Appointed by' }, 'nadooit_auth.users', 'set null', { readOnly: true }),
    createdAt(),
    updatedAt(),
  ],
  list: {
    columns: ['user_id', ...KEY_ABILITIES.slice(0, 3), 'created_at'],
    optionalColumns: [...KEY_ABILITIES.slice(3), 'appointed_by'],
    search: ['user_id'],
    filters: [...KEY_ABILITIES],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  hooks: {
    create: async (ctx, values) => (await grantKeyManager(ctx.tx, String(values.user_id), abilities(values))).id,
    async update(ctx, _id, values, before) {
      await grantKeyManager(ctx.tx, String(before.user_id), abilities(values));
    },
    async delete(ctx, ids) {
      for (const id of ids) await refusals(ctx, () => removeKeyManager(ctx.tx, ctx.actor, id));
    },
  },
};

/**
 * "Schlüssel zurücksetzen": removes every security key of the person, ends their sessions and issues a new
 * one-time enrolment link (24 h). People go through the key managers' service; staff accounts (which that
 * service leaves to the admin) only by superusers.
 */
async function resetKeys(ctx: WriteContext, userId: string): Promise<string> {
  const target = await findUserById(ctx.tx, userId);
  if (!target) throw new NotFound();
  if (!target.is_staff && !target.is_superuser) {
    return refusals(ctx, async () => {
      await resetPersonKeys(ctx.tx, ctx.actor, userId);
      return enrolmentPath((await newEnrolmentLink(ctx.tx, ctx.actor, userId)).enrolment.token);
    });
  }
  if (!ctx.actor.isSuperuser) throw new ActionError(ctx.t('admin.error.staff_account'));
  await deleteAllCredentials(ctx.tx, userId);
  await revokeAllUserSessions(ctx.tx, userId);
  const enrolment = await issueEnrolmentToken(ctx.tx, userId, ctx.actor.id);
  await recordEnrolmentLink(ctx.tx, ctx.actor.id, enrolment);
  return enrolmentPath(enrolment.token);
}

/** The users resource, extended by this app with the key reset. */
export const usersWithKeyResetResource: AdminResource = {
  ...usersResource,
  actions: [
    ...(usersResource.actions ?? []),
    {
      name: 'reset_security_keys',
      label: { de: 'Sicherheitsschlüssel zurücksetzen', en: 'Reset security keys' },
      description: {
        de: 'Löscht alle Sicherheitsschlüssel der Person, meldet sie überall ab und erzeugt einen neuen Registrierungslink (24 Stunden gültig, wird nur einmal angezeigt).',
        en: 'Deletes all security keys of the person, signs them out everywhere and creates a new enrolment link (valid 24 hours, shown only once).',
      },
      permission: 'change',
      destructive: true,
      onList: false,
      async run(ctx, ids) {
        const links: string[] = [];
        for (const id of ids) links.push(await resetKeys(ctx, id));
        return { message: ctx.t('admin.keys_reset', { links: links.join(' ') }) };
      },
    },
  ],
};

export const keyResources: AdminResource[] = [usersWithKeyResetResource, keyManagersResource];
