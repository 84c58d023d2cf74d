import type { CommandDefinition, CommandIO } from '../core/cli/registry.js';
import { CommandError } from '../core/cli/registry.js';
import { translator } from '../core/ui/i18n.js';
import { recordSecurityEvent } from './services/audit.js';
import { AuthRefused } from './services/errors.js';
import { createSuperuser, superuserSchema } from './services/staff.js';

const en = translator('en');

/** Flag, else environment variable, else (interactive only) a prompt. */
async function value(
  io: CommandIO,
  values: Record<string, unknown>,
  flagName: string,
  envName: string,
  question: string,
  options: { secret?: boolean; optional?: boolean; noInput: boolean },
) {
  const flag = values[flagName];
  if (typeof flag === 'string') return flag;
  const fromEnv = process.env[envName];
  if (fromEnv !== undefined) return fromEnv;
  if (options.noInput || !io.interactive) {
    if (options.optional) return '';
    throw new CommandError(`missing --${flagName} (or env ${envName})`);
  }
  return io.prompt(question, { secret: options.secret });
}

export const createSuperuserCommand: CommandDefinition = {
  name: 'createsuperuser',
  summary: 'Create a staff superuser (password now, authenticator app at the first login)',
  options: {
    username: { type: 'string' },
    password: { type: 'string' },
    email: { type: 'string' },
    'display-name': { type: 'string' },
    'no-input': { type: 'boolean' },
  },
  async run({ values }, { db }, io) {
    const noInput = values['no-input'] === true;
    const username = await value(io, values, 'username', 'NADOOIT_SUPERUSER_USERNAME', 'Username: ', { noInput });
    const email = await value(io, values, 'email', 'NADOOIT_SUPERUSER_EMAIL', 'Email (optional): ', { noInput, optional: true });
    const displayName =
      (await value(io, values, 'display-name', 'NADOOIT_SUPERUSER_DISPLAY_NAME', `Display name [${username}]: `, { noInput, optional: true })) || username;
    const password = await value(io, values, 'password', 'NADOOIT_SUPERUSER_PASSWORD', 'Password: ', { noInput, secret: true });
    if (typeof values.password !== 'string' && process.env.NADOOIT_SUPERUSER_PASSWORD === undefined) {
      const again = await io.prompt('Password (again): ', { secret: true });
      if (again !== password) throw new CommandError('the passwords do not match');
    }
    const parsed = superuserSchema.safeParse({ username, display_name: displayName, email, password });
    if (!parsed.success) {
      throw new CommandError(parsed.error.issues.map((i) => `${String(i.path[0])}: ${en(i.message)}`).join('; '));
    }
    try {
      const user = await createSuperuser(db.kysely, parsed.data);
      await recordSecurityEvent(db.kysely, { event: 'superuser_created', userId: user.id, detail: { via: 'manage createsuperuser' } });
      io.out(`Superuser "${user.username}" created (user code ${user.user_code}).`);
      io.out('Log in at /auth/staff-login; the first login asks you to set up an authenticator app or a security key.');
    } catch (error) {
      if (error instanceof AuthRefused) throw new CommandError(en(error.messageKey));
      throw error;
    }
  },
};
