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

declare module '../core/db/schema.js' {
  interface Database {
    users: UsersTable;
  }
}

registerBooleanColumns('is_active', 'is_staff', 'is_superuser');
