import { LegacyValueError, derivedUuid, legacyInteger, legacyBool, legacyOptionalText, legacyOptionalTimestamp, legacyText, legacyTimestamp, legacyUuid } from '../core/legacy/values.js';
import { tableImport } from '../core/legacy/step.js';
import type { LegacyAppImport, LegacyImportContext } from '../core/legacy/step.js';
import type { LegacyRow } from '../core/legacy/source.js';
import { needsRehash } from './services/passwords.js';

const LEGACY_KEYS = 'mfa_user_keys';

/** Legacy username → user id, for the security keys the original kept by username. */
function usersByName(context: LegacyImportContext): Map<string, string> {
  let map = context.shared.get('auth.usersByName') as Map<string, string> | undefined;
  if (!map) context.shared.set('auth.usersByName', (map = new Map()));
  return map;
}

/**
 * A django-mfa2 FIDO2 key: `properties.device` is the authenticator's attested credential data
 * (AAGUID 16 bytes, credential id length 2 bytes, credential id, COSE public key), base64url.
 */
function securityKey(row: LegacyRow, context: LegacyImportContext) {
  if (row.key_type !== 'FIDO2') throw new LegacyValueError(`key type ${JSON.stringify(row.key_type)} has no counterpart here (only FIDO2 keys are taken over)`);
  const userId = usersByName(context).get(legacyText(row.username, 'username'));
  if (!userId) throw new LegacyValueError(`user ${JSON.stringify(row.username)} was not imported`);
  let device: Buffer;
  try {
    device = Buffer.from(String((JSON.parse(legacyText(row.properties, 'properties')) as { device?: unknown }).device ?? ''), 'base64url');
  } catch {
    throw new LegacyValueError('properties is not the JSON django-mfa2 writes');
  }
  const idLength = device.length >= 18 ? device.readUInt16BE(16) : -1;
  if (idLength <= 0 || device.length <= 18 + idLength) throw new LegacyValueError('properties.device is not attested credential data');
  const added = legacyTimestamp(row.added_on, 'added_on');
  return {
    id: derivedUuid(LEGACY_KEYS, legacyInteger(row.id)),
    user_id: userId,
    credential_id: device.subarray(18, 18 + idLength).toString('base64url'),
    public_key: device.subarray(18 + idLength).toString('base64url'),
    sign_count: 0,
    transports: null,
    name: 'Sicherheitsschlüssel (übernommen)',
    is_enabled: legacyBool(row.enabled, 'enabled'),
    backed_up: false,
    created_at: added,
    updated_at: added,
    last_used_at: legacyOptionalTimestamp(row.last_used, 'last_used'),
  };
}

/**
 * People from `nadooit_auth_user`. A password is kept only when its format can be verified here (Django's
 * pbkdf2_sha256; it becomes argon2id at the first login); 'none' (key-only accounts of the original's
 * registration page) and unusable '!…' passwords become no password — those people sign in with their
 * security key, which is taken over too.
 */
export const authLegacyImport: LegacyAppImport = {
  app: 'nadooit_auth',
  steps: [
    tableImport({
      legacyTable: 'nadooit_auth_user',
      target: 'users',
      map(row, context) {
        const userCode = legacyText(row.user_code, 'user_code').trim();
        if (!userCode) throw new LegacyValueError('user_code is empty');
        const username = legacyOptionalText(row.username, 'username');
        // Kept as it was, even empty: pages show the user code for a person without a name.
        const displayName = legacyOptionalText(row.display_name, 'display_name') ?? '';
        const password = typeof row.password === 'string' && needsRehash(row.password) ? row.password : null;
        const joined = legacyTimestamp(row.date_joined, 'date_joined');
        const lastLogin = legacyOptionalTimestamp(row.last_login, 'last_login');
        const id = legacyUuid(row.id);
        if (username) usersByName(context).set(username, id);
        return {
          id,
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
    // Security keys keep working as long as the site keeps its domain (the WebAuthn RP ID).
    tableImport({ legacyTable: LEGACY_KEYS, target: 'auth_credentials', map: securityKey, insertOnly: ['sign_count', 'name', 'last_used_at', 'updated_at'] }),
  ],
};
