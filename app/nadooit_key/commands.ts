import type { CommandDefinition } from '../core/cli/registry.js';
import { CommandError } from '../core/cli/registry.js';
import { transaction } from '../core/db/transaction.js';
import { recordSecurityEvent } from '../nadooit_auth/services/audit.js';
import { personTitle, findUserByCode } from '../nadooit_auth/services/users.js';
import { KEY_ABILITIES, grantKeyManager } from './services.js';
import type { KeyAbilities, KeyAbility } from './services.js';

/** Bootstraps the first key managers (later ones are appointed in the web UI by managers themselves). */
export const grantKeyManagerCommand: CommandDefinition = {
  name: 'grant-key-manager',
  summary: 'Make a person a key manager: --user-code CODE (--all | --ability can_create_keys …)',
  options: {
    'user-code': { type: 'string' },
    ability: { type: 'string', multiple: true },
    all: { type: 'boolean' },
  },
  async run({ values }, { db }, io) {
    const code = values['user-code'];
    if (typeof code !== 'string' || !code) throw new CommandError('missing --user-code');
    const requested = values.all === true ? [...KEY_ABILITIES] : ((values.ability as string[] | undefined) ?? []);
    const unknown = requested.filter((a) => !(KEY_ABILITIES as readonly string[]).includes(a));
    if (unknown.length) throw new CommandError(`unknown ability ${unknown.join(', ')} (known: ${KEY_ABILITIES.join(', ')})`);
    if (!requested.length) throw new CommandError('give --all or at least one --ability');
    const abilities = Object.fromEntries(requested.map((a) => [a, true])) as Partial<KeyAbilities>;
    const user = await findUserByCode(db.kysely, code);
    if (!user?.is_active) throw new CommandError(`no active person with user code ${code}`);
    await transaction(db.kysely, async (tx) => {
      await grantKeyManager(tx, user.id, abilities);
      await recordSecurityEvent(tx, { event: 'key_manager_appointed', userId: user.id, detail: { abilities: requested, via: 'manage grant-key-manager' } });
    });
    io.out(`${personTitle(user)} is a key manager: ${(requested as KeyAbility[]).join(', ')}`);
  },
};
