import { registerBooleanColumns } from '../core/db/dialects/columns.js';
import '../nadooit_auth/models.js';

/** The six abilities of the original's KeyManager, each enforced by some action (see services.ts). */
export const KEY_ABILITIES = [
  'can_create_keys',
  'can_delete_keys',
  'can_update_keys',
  'can_create_key_managers',
  'can_delete_key_managers',
  'can_update_key_managers',
] as const;

/** nadooit_key.KeyManager: may register people and manage their security keys, per ability. */
export interface KeyManagersTable {
  id: string;
  /** One per person (the original linked the Employee; here the user directly). */
  user_id: string;
  can_create_keys: boolean;
  can_delete_keys: boolean;
  can_update_keys: boolean;
  can_create_key_managers: boolean;
  can_delete_key_managers: boolean;
  can_update_key_managers: boolean;
  /** The key manager (user) who appointed this one; null for managers made by staff or the CLI. */
  appointed_by: string | null;
  created_at: string;
  updated_at: string;
}

declare module '../core/db/schema.js' {
  interface Database {
    key_managers: KeyManagersTable;
  }
}

registerBooleanColumns(...KEY_ABILITIES);
