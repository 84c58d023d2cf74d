import { afterEach, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend, freshDatabase, testSettings } from '../../../test/support/harness.js';
import type { FreshDatabase } from '../../../test/support/harness.js';
import { sql } from 'kysely';
import { openDatabase } from './connection.js';
import type { Db } from './connection.js';
import { migrate, migrationStatus } from './migrator.js';
import type { AppMigrations, Migration } from './migrator.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Migrations that count how often they run; each creates a table, so a second run would also fail. */
function countedApps(): { apps: AppMigrations[]; runs: Map<string, number> } {
  const runs = new Map<string, number>();
  const step = (app: string, name: string, slowMs = 0): Migration => ({
    name,
    async up(db, { columns: c }) {
      runs.set(`${app}.${name}`, (runs.get(`${app}.${name}`) ?? 0) + 1);
      await db.schema.createTable(`m_${app}_${name}`).addColumn('id', c.uuid, (col) => col.primaryKey()).execute();
      if (slowMs) await sleep(slowMs);
    },
  });
  return {
    runs,
    apps: [
      { app: 'alpha', migrations: [step('alpha', '0001_first', 150), step('alpha', '0002_second')] },
      { app: 'beta', migrations: [step('beta', '0001_first'), step('beta', '0002_second', 50)] },
    ],
  };
}

describeEachBackend('db: migrator', (h) => {
  const opened: Db[] = [];
  let database: FreshDatabase | null = null;
  /** Two independent connections (as two starting instances have) to one empty database. */
  const emptyDatabase = async (): Promise<[Db, Db]> => {
    database = await freshDatabase(h().backend, testSettings());
    const a = await openDatabase(database.target);
    const b = await openDatabase(database.target);
    opened.push(a, b);
    if (a.flavor === 'sqlite') {
      // Both SQLite connections share this test's one thread, where a busy wait would stall the lock holder
      // too; instances in separate processes keep the default timeout.
      for (const db of [a, b]) await sql`pragma busy_timeout = 20`.execute(db.kysely);
    }
    return [a, b];
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
    await database?.drop();
    database = null;
  });

  it('applies each migration exactly once when two migrators race on an empty database', async () => {
    const [a, b] = await emptyDatabase();
    const { apps, runs } = countedApps();
    const [fromA, fromB] = await Promise.all([migrate(a, apps, { lockTimeoutMs: 30_000 }), migrate(b, apps, { lockTimeoutMs: 30_000 })]);
    const all = ['alpha.0001_first', 'alpha.0002_second', 'beta.0001_first', 'beta.0002_second'];
    assert.deepEqual([...fromA, ...fromB].sort(), all);
    assert.deepEqual([...runs.values()], [1, 1, 1, 1]);
    assert.deepEqual([...runs.keys()].sort(), all);
    const rows = await a.kysely.selectFrom('nadooit_migrations').selectAll().execute();
    assert.equal(rows.length, 4);
    assert.deepEqual(await a.kysely.selectFrom('nadooit_migration_lock').selectAll().execute(), [], 'lock released');
  });

  it('applies in dependency order and records what it applied', async () => {
    const [a] = await emptyDatabase();
    const { apps } = countedApps();
    assert.deepEqual(await migrate(a, apps), ['alpha.0001_first', 'alpha.0002_second', 'beta.0001_first', 'beta.0002_second']);
    assert.deepEqual(await migrate(a, apps), []);
    const status = await migrationStatus(a, apps);
    assert.ok(status.every((s) => typeof s.appliedAt === 'string' && !Number.isNaN(Date.parse(s.appliedAt))));
  });

  it('takes over a stale lock left by a migrator that died', async () => {
    const [a] = await emptyDatabase();
    const { apps } = countedApps();
    await migrationStatus(a, apps);
    await a.kysely
      .insertInto('nadooit_migration_lock')
      .values({ id: 1, holder: 'dead-host:1', acquired_at: new Date(Date.now() - 60_000).toISOString() })
      .execute();
    assert.equal((await migrate(a, apps, { staleLockMs: 30_000 })).length, 4);
  });

  it('gives up with a clear error while a live lock is held', async () => {
    const [a] = await emptyDatabase();
    const { apps, runs } = countedApps();
    await migrationStatus(a, apps);
    await a.kysely.insertInto('nadooit_migration_lock').values({ id: 1, holder: 'other-host:7', acquired_at: new Date().toISOString() }).execute();
    await assert.rejects(migrate(a, apps, { lockTimeoutMs: 300 }), /migration lock is held by other-host:7/);
    assert.equal(runs.size, 0);
  });

  it('rolls back a failing migration, records nothing for it and releases the lock', async () => {
    const [a] = await emptyDatabase();
    const broken: AppMigrations[] = [
      {
        app: 'gamma',
        migrations: [
          {
            name: '0001_broken',
            async up(db) {
              await db.schema.createTable('m_gamma_half').addColumn('id', 'text').execute();
              throw new Error('migration bug');
            },
          },
        ],
      },
    ];
    await assert.rejects(migrate(a, broken), /migration bug/);
    assert.deepEqual(await a.kysely.selectFrom('nadooit_migrations').selectAll().execute(), []);
    assert.deepEqual(await a.kysely.selectFrom('nadooit_migration_lock').selectAll().execute(), []);
    const tables = (await a.kysely.introspection.getTables()).map((t) => t.name);
    assert.ok(!tables.includes('m_gamma_half'), 'schema change rolled back with the failed step');
  });
});
