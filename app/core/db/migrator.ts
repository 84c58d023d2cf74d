import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import type { Db, DB } from './connection.js';
import type { ColumnTypes, Flavor } from './dialects/columns.js';

export interface MigrationContext {
  columns: ColumnTypes;
  flavor: Flavor;
}

/** A forward-only step. Keep one schema change per step where CockroachDB may run it. */
export interface Migration {
  name: string;
  up(db: DB, context: MigrationContext): Promise<void>;
}

export interface AppMigrations {
  app: string;
  migrations: Migration[];
}

export interface MigrationStatus {
  app: string;
  name: string;
  appliedAt: string | null;
}

export interface MigrateOptions {
  /** How long to wait for another instance's lock before giving up. */
  lockTimeoutMs?: number;
  /** A lock older than this is taken over (its holder died mid-run). */
  staleLockMs?: number;
  onApplied?: (app: string, name: string, index: number, total: number) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function ensureBookkeeping(db: Db): Promise<void> {
  const k = db.kysely;
  for (let attempt = 0; ; attempt++) {
    try {
      await k.schema
        .createTable('nadooit_migrations')
        .ifNotExists()
        .addColumn('app', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('applied_at', db.columns.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('nadooit_migrations_pk', ['app', 'name'])
        .execute();
      await k.schema
        .createTable('nadooit_migration_lock')
        .ifNotExists()
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('acquired_at', db.columns.timestamp, (c) => c.notNull())
        .execute();
      return;
    } catch (error) {
      // Two instances racing on CREATE TABLE IF NOT EXISTS can collide in the catalog; the loser retries.
      if (attempt >= 5) throw error;
      await sleep(50 + Math.random() * 100);
    }
  }
}

async function acquireLock(db: Db, holder: string, options: MigrateOptions): Promise<void> {
  const deadline = Date.now() + (options.lockTimeoutMs ?? 5 * 60_000);
  const staleMs = options.staleLockMs ?? 10 * 60_000;
  for (;;) {
    try {
      await db.kysely
        .insertInto('nadooit_migration_lock')
        .values({ id: 1, holder, acquired_at: new Date().toISOString() })
        .execute();
      return;
    } catch {
      const current = await db.kysely.selectFrom('nadooit_migration_lock').selectAll().where('id', '=', 1).executeTakeFirst();
      if (current && Date.now() - Date.parse(current.acquired_at) > staleMs) {
        await db.kysely
          .deleteFrom('nadooit_migration_lock')
          .where('id', '=', 1)
          .where('holder', '=', current.holder)
          .execute();
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`migration lock is held by ${current?.holder ?? 'another instance'}; gave up waiting`);
      }
      await sleep(100 + Math.random() * 150);
    }
  }
}

async function releaseLock(db: Db, holder: string): Promise<void> {
  await db.kysely.deleteFrom('nadooit_migration_lock').where('id', '=', 1).where('holder', '=', holder).execute();
}

export async function migrationStatus(db: Db, apps: AppMigrations[]): Promise<MigrationStatus[]> {
  await ensureBookkeeping(db);
  const applied = await db.kysely.selectFrom('nadooit_migrations').selectAll().execute();
  const byKey = new Map(applied.map((row) => [`${row.app}/${row.name}`, row.applied_at]));
  return apps.flatMap(({ app, migrations }) =>
    migrations.map((m) => ({ app, name: m.name, appliedAt: byKey.get(`${app}/${m.name}`) ?? null })),
  );
}

/**
 * Applies pending migrations app by app, in the order given (dependency order). A lock row (not an
 * advisory lock, which CockroachDB lacks) makes concurrent starts apply each migration exactly once.
 * Returns the migrations applied by this call.
 */
export async function migrate(db: Db, apps: AppMigrations[], options: MigrateOptions = {}): Promise<string[]> {
  await ensureBookkeeping(db);
  const holder = `${hostname()}:${process.pid}:${randomUUID()}`;
  await acquireLock(db, holder, options);
  const done: string[] = [];
  try {
    const status = await migrationStatus(db, apps);
    const pending = status.filter((s) => s.appliedAt === null);
    const context: MigrationContext = { columns: db.columns, flavor: db.flavor };
    for (const [index, step] of pending.entries()) {
      const migration = apps.find((a) => a.app === step.app)!.migrations.find((m) => m.name === step.name)!;
      const record = (handle: DB) =>
        handle
          .insertInto('nadooit_migrations')
          .values({ app: step.app, name: step.name, applied_at: new Date().toISOString() })
          .execute();
      if (db.flavor === 'cockroach') {
        // CockroachDB does not run schema changes reliably inside transactions.
        await migration.up(db.kysely, context);
        await record(db.kysely);
      } else {
        await db.kysely.transaction().execute(async (trx) => {
          await migration.up(trx, context);
          await record(trx);
        });
      }
      done.push(`${step.app}.${step.name}`);
      options.onApplied?.(step.app, step.name, index + 1, pending.length);
    }
  } finally {
    await releaseLock(db, holder);
  }
  return done;
}

/** Shorthand used by migrations: `now` as an ISO timestamp literal default is done in the app, not SQL. */
export const nowIso = () => new Date().toISOString();
export { sql };
