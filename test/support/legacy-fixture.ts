import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The original installation's database (../shared/fixtures/django-legacy, beside the project; never copied
 * into it): its SQLite file and the manifest of what it holds.
 */
export const LEGACY_FIXTURE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/django-legacy');
export const LEGACY_FIXTURE_DB = join(LEGACY_FIXTURE_DIR, 'legacy.sqlite3');

/** Why tests on the fixture cannot run here, or undefined when it is present. */
export function missingLegacyFixture(): string | undefined {
  return existsSync(LEGACY_FIXTURE_DB) ? undefined : `the legacy fixture is not at ${LEGACY_FIXTURE_DB} (it sits beside the project as ../shared)`;
}

export interface LegacyManifest {
  row_counts: Record<string, number>;
  superuser: { username: string; password: string; user_code: string };
  users: Array<{ id: string; username: string; user_code: string; display_name: string; is_active: boolean; is_staff: boolean; is_superuser: boolean; last_login: string | null; date_joined: string; has_employee: boolean }>;
  api_keys: Array<{
    plain_key: string;
    owner_user_code: string;
    key_row_id: string;
    key_is_active: boolean;
    stored_api_key: string;
    customer_program_id: string;
    customer_program_id_dashed: string;
    customer_program_is_active: boolean;
    api_response_at_reference_now: { status: number; body: Record<string, string> };
    note: string;
  }>;
  time_accounts: Array<{ id: string; name: string | null; time_balance_in_seconds: number; is_active: boolean; customer_time_accounts: Array<{ id: string; name: string }> }>;
  customer_programs: Array<{
    id: string;
    fixed_price_per_second: boolean;
    price_per_second: string;
    program_time_saved_per_execution_in_seconds: number;
    is_active: boolean;
    over_charge: boolean;
    time_account_id: string | null;
    executions: number;
    executions_total_seconds: number;
  }>;
  executions: {
    by_payment_status: Record<string, { count: number; with_price: number; price_sum: string }>;
    samples: Array<{ id: string; customer_program_id: string; program_time_saved_in_seconds: number; price_for_execution: string; price_per_second_at_the_time_of_execution: string; payment_status: string; created_at: string; updated_at: string }>;
  };
}

export function legacyManifest(): LegacyManifest {
  return JSON.parse(readFileSync(join(LEGACY_FIXTURE_DIR, 'manifest.json'), 'utf8')) as LegacyManifest;
}
