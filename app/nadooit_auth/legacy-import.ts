import { LegacyValueError, legacyBool, legacyOptionalText, legacyOptionalTimestamp, legacyText, legacyTimestamp, legacyUuid } from '../core/legacy/values.js';
import { tableImport } from '../core/legacy/step.js';
import type { LegacyAppImport } from '../core/legacy/step.js';
import { needsRehash } from './services/passwords.js';

/**
 * People from `nadooit_auth_user`. A password is kept only when its format can be verified here (Django's
 * pbkdf2_sha256; it becomes argon2id at the first login); 'none' (key-only accounts of the original's
 * registration page) and unusable '!…' passwords become no password — those people sign in with a key.
 */
export const authLegacyImport: LegacyAppImport = {
  app: 'nadooit_auth',
  steps: [
    tableImport({
      legacyTable: 'nadooit_auth_user',
      target: 'users',
      map(row) {
        const userCode = legacyText(row.user_code, 'user_code').trim();
        if (!userCode) throw new LegacyValueError('user_code is empty');
        const username = legacyOptionalText(row.username, 'username');
        // Kept as it was, even empty: pages show the user code for a person without a name.
        const displayName = legacyOptionalText(row.display_name, 'display_name') ?? '';
        const password = typeof row.password === 'string' && needsRehash(row.password) ? row.password : null;
        const joined = legacyTimestamp(row.date_joined, 'date_joined');
        const lastLogin = legacyOptionalTimestamp(row.last_login, 'last_login');
        return {
          id: legacyUuid(row.id),
          user_code: userCode,
          display_name: displayName,
          username,
          email: legacyOptionalText(row.email, 'email'),
          password_hash: password,
          is_active: legacyBool(row.is_active, 'is_active'),
          is_staff: legacyBool(row.is_staff, 'is_staff'),
          is_superuser: legacyBool(row.is_superuser, 'is_superuser'),
          last_login: lastLogin,
          created_at: joined,
          updated_at: lastLogin ?? joined,
        };
      },
    }),
  ],
};
