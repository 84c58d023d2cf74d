import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { djangoTableName } from '../../app/core/legacy/source.js';

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
  website: {
    /** The order the original's home page hard-codes (32 hex digits). */
    home_page_section_order_id: string;
    section_orders: Array<{ id: string; created: string; sections: number; plugins: number }>;
  };
}

export function legacyManifest(): LegacyManifest {
  return JSON.parse(readFileSync(join(LEGACY_FIXTURE_DIR, 'manifest.json'), 'utf8')) as LegacyManifest;
}

/** Django's PostgreSQL column type for a column the fixture's SQLite schema declares. */
function postgresType(sqliteType: string): string {
  const t = sqliteType.toLowerCase();
  if (t === 'char(32)') return 'uuid';
  if (t === 'bool') return 'boolean';
  if (t === 'datetime') return 'timestamp with time zone';
  if (t === 'date' || t === 'time') return t;
  if (t.startsWith('decimal')) return 'numeric';
  if (t === 'real') return 'double precision';
  if (/int/.test(t)) return 'bigint';
  return 'text';
}

function postgresValue(value: unknown, pgType: string): unknown {
  if (value === null) return null;
  if (pgType === 'boolean') return value === 1;
  if (pgType === 'timestamp with time zone') return `${value}+00`;
  if (pgType === 'numeric') return String(value);
  return value;
}

/**
 * The fixture as the original would have it on PostgreSQL: the same tables with Django's PostgreSQL types
 * (uuid, numeric, boolean, timestamptz), in a new database on the test server; `drop` removes it.
 */
export async function legacyFixtureOnPostgres(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const { default: Database } = await import('better-sqlite3');
  const { default: pg } = await import('pg');
  const { randomBytes } = await import('node:crypto');
  const name = `legacy_src_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`).finally(() => admin.end());
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const sqlite = new Database(LEGACY_FIXTURE_DB, { readonly: true });
  const target = new pg.Client({ connectionString: url.toString() });
  await target.connect();
  try {
    const tables = sqlite.prepare("select name from sqlite_master where type = 'table' and name <> 'sqlite_sequence'").all() as Array<{ name: string }>;
    for (const { name: table } of tables) {
      const columns = (sqlite.prepare(`pragma table_info("${table}")`).all() as Array<{ name: string; type: string; pk: number }>).map((c) => ({
        ...c,
        pgType: postgresType(c.type),
      }));
      const keys = columns.filter((c) => c.pk).map((c) => `"${c.name}"`);
      const definition = columns.map((c) => `"${c.name}" ${c.pgType}`).concat(keys.length ? [`primary key (${keys.join(', ')})`] : []);
      // Django shortens names beyond PostgreSQL's 63 characters (the long many-to-many tables).
      const pgTable = djangoTableName(table);
      await target.query(`create table "${pgTable}" (${definition.join(', ')})`);
      const insert = `insert into "${pgTable}" (${columns.map((c) => `"${c.name}"`).join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
      for (const row of sqlite.prepare(`select * from "${table}"`).all() as Array<Record<string, unknown>>) {
        await target.query(insert, columns.map((c) => postgresValue(row[c.name], c.pgType)));
      }
    }
  } finally {
    sqlite.close();
    await target.end();
  }
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`).finally(() => client.end());
    },
  };
}
