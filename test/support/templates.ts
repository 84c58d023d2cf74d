import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openDatabase } from '../../app/core/db/connection.js';
import type { DatabaseTarget } from '../../app/core/db/connection.js';
import { migrate } from '../../app/core/db/migrator.js';
import { installedApps } from '../../app/nadooit/apps.js';
import { appMigrations } from '../../app/nadooit/bootstrap.js';

/**
 * Migrated template databases for the tests. Migrating a fresh database takes about a second on SQLite and
 * 5–9 s on PostgreSQL (on the 2-core CI machine); copying a migrated one takes milliseconds (SQLite: a file
 * copy) or about 0.2–0.4 s (PostgreSQL: CREATE DATABASE … TEMPLATE, measured against 1.1–1.5 s for replaying
 * a pg_dump of a migrated schema). So each machine migrates one template per migration history and every
 * suite gets a copy. The key covers the name and code of every migration and the migrator and dialect
 * sources, so any change to them makes a new template; callers still run `migrate` on the copy (a no-op).
 */

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * Templates of other migration histories go an hour after they were last used (one that is in use is
 * marked again every few minutes; a run that still needs a dropped one makes it again).
 */
const STALE_MS = 3_600_000;
const MARK_MS = 300_000;

let key: string | undefined;

/** A hash of the migration history this checkout would apply. */
export function migrationsKey(): string {
  if (key) return key;
  const hash = createHash('sha256');
  const apps = installedApps(() => {
    throw new Error('migrationsKey: no app context');
  });
  for (const { app, migrations } of appMigrations(apps)) {
    for (const migration of migrations) hash.update(`${app}\0${migration.name}\0${migration.up.toString()}\0`);
  }
  const dbDir = path.join(REPO, 'app/core/db');
  for (const file of ['migrator.ts', 'connection.ts', ...readdirSync(path.join(dbDir, 'dialects')).map((f) => `dialects/${f}`)].sort()) {
    if (!file.endsWith('.test.ts')) hash.update(`${file}\0${readFileSync(path.join(dbDir, file))}\0`);
  }
  key = hash.digest('hex').slice(0, 16);
  return key;
}

async function migrateTarget(target: DatabaseTarget): Promise<void> {
  const db = await openDatabase(target);
  try {
    await migrate(
      db,
      appMigrations(
        installedApps(() => {
          throw new Error('template migration: no app context');
        }),
      ),
    );
  } finally {
    await db.close();
  }
}

const SQLITE_DIR = path.join(tmpdir(), 'nadooit-test-templates');

/** The migrated SQLite template file, made once per machine and migration history. */
async function sqliteTemplate(): Promise<string> {
  const file = path.join(SQLITE_DIR, `sqlite-${migrationsKey()}.sqlite3`);
  if (existsSync(file)) {
    if (Date.now() - statSync(file).mtimeMs > MARK_MS) utimesSync(file, new Date(), new Date()); // in use
    return file;
  }
  mkdirSync(SQLITE_DIR, { recursive: true });
  // Built under a private name and renamed into place: processes that race here each build one, the last
  // rename wins, and nobody ever copies a half-migrated file.
  const building = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  await migrateTarget({ kind: 'sqlite', file: building });
  const raw = new Database(building);
  raw.pragma('journal_mode = DELETE'); // one self-contained file (no -wal/-shm beside it)
  raw.close();
  renameSync(building, file);
  for (const name of readdirSync(SQLITE_DIR)) {
    const other = path.join(SQLITE_DIR, name);
    if (other !== file && Date.now() - statSync(other).mtimeMs > STALE_MS) rmSync(other, { force: true });
  }
  return file;
}

/** Writes a migrated SQLite database to `file` (a copy of the template). */
export async function copySqliteTemplate(file: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    copyFileSync(await sqliteTemplate(), file);
  } catch (error) {
    // Removed in between by a process of another migration history: make it again.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    copyFileSync(await sqliteTemplate(), file);
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const TEMPLATE_LOCK = 0x6e61646f6f; // "nadoo": one builder of test templates at a time on this server

/** The migrated template database on the PostgreSQL test server (made once per migration history). */
async function postgresTemplate(admin: pg.Client, url: string): Promise<string> {
  const name = `nadooit_tpl_${migrationsKey()}`;
  const exists = async (db: string) => (await admin.query('select 1 from pg_database where datname = $1', [db])).rowCount === 1;
  const used = await admin.query<{ mark: string | null }>(`select shobj_description(oid, 'pg_database') as mark from pg_database where datname = $1`, [name]);
  if (used.rowCount === 1) {
    if (!(Date.now() - Date.parse(used.rows[0]!.mark ?? '') < MARK_MS)) await admin.query(`comment on database ${name} is '${new Date().toISOString()}'`); // in use
    return name;
  }
  await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
  try {
    if (await exists(name)) return name;
    const building = `${name}_build`;
    await admin.query(`drop database if exists ${building} with (force)`);
    await admin.query(`create database ${building}`);
    await migrateTarget({ kind: 'postgres', url: withDatabase(url, building), max: 2 });
    await admin.query(`alter database ${building} rename to ${name}`);
    // Nobody connects to a template (a connection would make CREATE DATABASE … TEMPLATE fail).
    await admin.query(`alter database ${name} with allow_connections false is_template true`);
    await admin.query(`comment on database ${name} is '${new Date().toISOString()}'`);
    // Templates of other migration histories are dropped an hour after they were last used.
    const { rows } = await admin.query<{ datname: string; made: string | null }>(
      `select datname, shobj_description(oid, 'pg_database') as made from pg_database where datname like 'nadooit\\_tpl\\_%' and datname <> $1`,
      [name],
    );
    for (const old of rows) {
      const made = Date.parse(old.made ?? '');
      if (!Number.isNaN(made) && Date.now() - made < STALE_MS) continue;
      await admin.query(`alter database ${old.datname} with is_template false`);
      await admin.query(`drop database if exists ${old.datname} with (force)`);
    }
    return name;
  } finally {
    await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
  }
}

/** A new, migrated database on the PostgreSQL test server, cloned from the template; `drop` removes it. */
export async function clonePostgresTemplate(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    try {
      await admin.query(`create database ${name} template ${await postgresTemplate(admin, url)}`);
    } catch (error) {
      // Dropped in between by a run of another migration history (3D000: no such database): make it again.
      if ((error as { code?: string }).code !== '3D000') throw error;
      await admin.query(`create database ${name} template ${await postgresTemplate(admin, url)}`);
    }
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(url, name),
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
