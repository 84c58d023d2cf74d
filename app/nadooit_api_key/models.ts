import { registerBooleanColumns } from '../core/db/dialects/columns.js';

/**
 * An API key of a user. Only the SHA-256 (hex) of the secret is stored — the same scheme as the original,
 * so imported keys (SHA-256 of a UUID string) keep working. `prefix` is the visible start of new keys.
 */
export interface ApiKeysTable {
  id: string;
  user_id: string;
  key_hash: string;
  prefix: string | null;
  name: string;
  is_active: boolean;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  /** The customer the key was issued for, if any (migration 0006). */
  customer_id: string | null;
  created_at: string;
  updated_at: string;
}

/** The API-key-manager role of an employee, limited to the customers listed for it. */
export interface ApiKeyManagersTable {
  id: string;
  employee_id: string;
  can_create_api_key: boolean;
  can_delete_api_key: boolean;
  can_give_manager_role: boolean;
  created_at: string;
  updated_at: string;
}

export interface ApiKeyManagerCustomersTable {
  manager_id: string;
  customer_id: string;
}

/** The employees a manager appointed (the original's list_of_employees_the_manager_has_given_the_role_to). */
export interface ApiKeyManagerAppointeesTable {
  manager_id: string;
  employee_id: string;
}

declare module '../core/db/schema.js' {
  interface Database {
    api_keys: ApiKeysTable;
    api_key_managers: ApiKeyManagersTable;
    api_key_manager_customers: ApiKeyManagerCustomersTable;
    api_key_manager_appointees: ApiKeyManagerAppointeesTable;
  }
}

registerBooleanColumns('is_active', 'can_create_api_key', 'can_delete_api_key', 'can_give_manager_role');
