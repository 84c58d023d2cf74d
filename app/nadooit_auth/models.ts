import { registerBooleanColumns } from '../core/db/dialects/columns.js';

export interface UsersTable {
  id: string;
  /** The person's login identifier (written on their security key); new codes have 6 characters. */
  user_code: string;
  display_name: string;
  username: string | null;
  email: string | null;
  /** argon2id; staff only. Null for people who log in with a security key. */
  password_hash: string | null;
  is_active: boolean;
  is_staff: boolean;
  is_superuser: boolean;
  last_login: string | null;
  created_at: string;
  updated_at: string;
}

/** A registered WebAuthn credential (security key or passkey). */
export interface AuthCredentialsTable {
  id: string;
  user_id: string;
  /** base64url credential id as the browser reports it. */
  credential_id: string;
  /** base64url of the COSE public key. */
  public_key: string;
  sign_count: number;
  /** JSON array of transports ("usb", "internal", …) or null. */
  transports: string | null;
  name: string;
  is_enabled: boolean;
  backed_up: boolean;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
}

/** One confirmed authenticator app per user; the secret is encrypted with a key derived from SECRET_KEY. */
export interface AuthTotpDevicesTable {
  user_id: string;
  secret_encrypted: string;
  /** The last accepted time step, so a code cannot be replayed. */
  last_time_step: number | null;
  created_at: string;
}

export interface AuthRecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: string | null;
  created_at: string;
}

export type AuthTokenPurpose = 'enrolment' | 'setup';

/** One-time links (key enrolment, first-run setup); only the SHA-256 of the token is stored. */
export interface AuthTokensTable {
  id: string;
  purpose: AuthTokenPurpose;
  token_hash: string;
  user_id: string | null;
  created_by: string | null;
  expires_at: string;
  used_at: string | null;
  created_at: string;
  /** Enrolment links: true = usable only while the person has no key yet (links of key managers, issue 10). */
  first_key_only: boolean;
}

/** Failure counters and lockouts, shared by every process through the database. */
export interface AuthThrottleTable {
  key: string;
  failures: number;
  window_started_at: string;
  locked_until: string | null;
  updated_at: string;
}

export interface AuthAuditLogTable {
  id: string;
  created_at: string;
  event: string;
  /** The person the event is about (e.g. whose login failed). */
  user_id: string | null;
  /** Who did it, when that is someone else (a key manager disabling a key). */
  actor_id: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON object with event details (never secrets). */
  detail: string | null;
}

declare module '../core/db/schema.js' {
  interface Database {
    users: UsersTable;
    auth_credentials: AuthCredentialsTable;
    auth_totp_devices: AuthTotpDevicesTable;
    auth_recovery_codes: AuthRecoveryCodesTable;
    auth_tokens: AuthTokensTable;
    auth_throttle: AuthThrottleTable;
    auth_audit_log: AuthAuditLogTable;
  }
}

registerBooleanColumns('is_active', 'is_staff', 'is_superuser', 'is_enabled', 'backed_up', 'first_key_only');
