import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend, describeWith, freshDatabase, testSettings } from '../../../test/support/harness.js';
import type { FreshDatabase } from '../../../test/support/harness.js';
import { openDatabase } from './connection.js';
import type { Db, DB } from './connection.js';
import { isRetryable, transaction } from './transaction.js';

type Scratch = {
  tx_test_counters: { id: string; value: number };
  tx_test_items: { id: string };
};

const scratch = (db: DB) => db.withTables<Scratch>();

async function createScratchTables(db: Db): Promise<void> {
  await db.kysely.schema
    .createTable('tx_test_counters')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();
  await db.kysely.schema.createTable('tx_test_items').ifNotExists().addColumn('id', 'text', (c) => c.primaryKey()).execute();
}

async function counter(db: DB, id: string): Promise<number> {
  const row = await scratch(db).selectFrom('tx_test_counters').select('value').where('id', '=', id).executeTakeFirstOrThrow();
  return row.value;
}

/** Resolves for everyone once `parties` callers have arrived. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++arrived === parties) open();
    return opened;
  };
}

/** One read-modify-write increment: the pattern a serialization failure protects. */
const increment = (db: DB, id: string, onRead?: (attempt: number) => Promise<void>) => {
  let attempts = 0;
  let hookRuns = 0;
  const done = transaction(
    db,
    async (tx, hooks) => {
      attempts++;
      const value = await counter(tx, id);
      await onRead?.(attempts);
      await scratch(tx).updateTable('tx_test_counters').set({ value: value + 1 }).where('id', '=', id).execute();
      hooks.afterCommit(() => hookRuns++);
    },
    { isolation: 'serializable' },
  );
  return { done, attempts: () => attempts, hookRuns: () => hookRuns };
};

describeEachBackend('db: transaction()', (h) => {
  const db = () => h().system.context.db;
  before(async () => createScratchTables(db()));

  it('runs afterCommit callbacks once after commit and never on rollback', async () => {
    const runs: string[] = [];
    await transaction(db().kysely, async (tx, hooks) => {
      await scratch(tx).insertInto('tx_test_items').values({ id: 'committed' }).execute();
      hooks.afterCommit(() => runs.push('committed'));
      assert.deepEqual(runs, [], 'not before commit');
    });
    await assert.rejects(
      transaction(db().kysely, async (tx, hooks) => {
        await scratch(tx).insertInto('tx_test_items').values({ id: 'rolled-back' }).execute();
        hooks.afterCommit(() => runs.push('rolled back'));
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.deepEqual(runs, ['committed']);
    const ids = await scratch(db().kysely).selectFrom('tx_test_items').select('id').execute();
    assert.deepEqual(ids.map((r) => r.id), ['committed']);
  });

  it('never runs committed work again when an afterCommit callback fails, even with a retryable error', async () => {
    let runs = 0;
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    await assert.rejects(
      transaction(db().kysely, async (tx, hooks) => {
        runs += 1;
        await scratch(tx).insertInto('tx_test_items').values({ id: `after-commit-failure-${runs}` }).execute();
        hooks.afterCommit(() => {
          throw busy;
        });
      }),
      /database is locked/,
    );
    assert.equal(runs, 1);
    const ids = await scratch(db().kysely).selectFrom('tx_test_items').select('id').where('id', 'like', 'after-commit-failure-%').execute();
    assert.deepEqual(ids.map((r) => r.id), ['after-commit-failure-1']);
  });

  it('joins an outer transaction: inner hooks wait for the outer commit and vanish with its rollback', async () => {
    const runs: string[] = [];
    await assert.rejects(
      transaction(db().kysely, async (outer) => {
        await transaction(outer, async (inner, hooks) => {
          await scratch(inner).insertInto('tx_test_items').values({ id: 'nested-rolled-back' }).execute();
          hooks.afterCommit(() => runs.push('inner of rolled back'));
        });
        throw new Error('outer fails');
      }),
      /outer fails/,
    );
    await transaction(db().kysely, async (outer, outerHooks) => {
      await transaction(outer, async (_inner, hooks) => hooks.afterCommit(() => runs.push('inner')));
      outerHooks.afterCommit(() => runs.push('outer'));
      assert.deepEqual(runs, []);
    });
    assert.deepEqual(runs, ['inner', 'outer']);
    const nested = await scratch(db().kysely).selectFrom('tx_test_items').select('id').where('id', '=', 'nested-rolled-back').execute();
    assert.deepEqual(nested, []);
  });

  it('retries a serialization failure and runs only the hooks of the attempt that committed', async () => {
    const runs: number[] = [];
    let attempts = 0;
    await transaction(db().kysely, async (tx, hooks) => {
      attempts++;
      await scratch(tx).insertInto('tx_test_items').values({ id: `attempt-${attempts}` }).execute();
      hooks.afterCommit(() => runs.push(attempts));
      if (attempts < 3) throw Object.assign(new Error('could not serialize access'), { code: db().flavor === 'sqlite' ? 'SQLITE_BUSY' : '40001' });
    });
    assert.equal(attempts, 3);
    assert.deepEqual(runs, [3]);
    const ids = await scratch(db().kysely).selectFrom('tx_test_items').select('id').where('id', 'like', 'attempt-%').execute();
    assert.deepEqual(ids.map((r) => r.id), ['attempt-3'], 'failed attempts left nothing behind');
  });

  it('does not retry other errors and gives up after maxAttempts', async () => {
    let attempts = 0;
    await assert.rejects(
      transaction(db().kysely, async () => {
        attempts++;
        throw Object.assign(new Error('duplicate'), { code: '23505' });
      }),
      /duplicate/,
    );
    assert.equal(attempts, 1);
    attempts = 0;
    await assert.rejects(
      transaction(
        db().kysely,
        async () => {
          attempts++;
          throw Object.assign(new Error('conflict'), { code: '40001' });
        },
        { maxAttempts: 3 },
      ),
      /conflict/,
    );
    assert.equal(attempts, 3);
    assert.equal(isRetryable({ code: 'SQLITE_BUSY' }), true);
    assert.equal(isRetryable(new Error('plain')), false);
  });

  it('loses no update when two writers increment the same row concurrently', async () => {
    // Two concurrent loops: on PostgreSQL two pooled connections that really conflict (and retry); on
    // SQLite the one connection serialises them. (Two SQLite connections in one process would block each
    // other's thread for the busy timeout; separate processes do not.)
    await scratch(db().kysely).insertInto('tx_test_counters').values({ id: 'race', value: 0 }).execute();
    const loop = async () => {
      for (let i = 0; i < 25; i++) await increment(db().kysely, 'race').done;
    };
    await Promise.all([loop(), loop()]);
    assert.equal(await counter(db().kysely, 'race'), 50);
  });
});

// A forced write conflict needs a server with real SERIALIZABLE transactions.
describeWith('postgres', 'db: transaction() under a forced SERIALIZABLE conflict [postgres]', () => {
  let database: FreshDatabase;
  let db: Db;
  before(async () => {
    database = await freshDatabase('postgres', testSettings());
    db = await openDatabase(database.target);
    await createScratchTables(db);
  });
  after(async () => {
    await db?.close();
    await database?.drop();
  });

  it('retries the transaction that hit SQLSTATE 40001, so both increments land and hooks run once each', async () => {
    await scratch(db.kysely).insertInto('tx_test_counters').values({ id: 'conflict', value: 0 }).execute();
    const bothRead = barrier(2);
    const onRead = async (attempt: number) => {
      if (attempt === 1) await bothRead();
    };
    const a = increment(db.kysely, 'conflict', onRead);
    const b = increment(db.kysely, 'conflict', onRead);
    await Promise.all([a.done, b.done]);
    assert.equal(await counter(db.kysely, 'conflict'), 2, 'no lost update');
    assert.equal(a.attempts() + b.attempts(), 3, 'exactly one transaction ran twice');
    assert.deepEqual([a.hookRuns(), b.hookRuns()], [1, 1]);
  });

  it('surfaces the same conflict as SQLSTATE 40001 when retries are off', async () => {
    await scratch(db.kysely).insertInto('tx_test_counters').values({ id: 'no-retry', value: 0 }).execute();
    const bothRead = barrier(2);
    const attempt = () =>
      transaction(
        db.kysely,
        async (tx) => {
          const value = await counter(tx, 'no-retry');
          await bothRead();
          await scratch(tx).updateTable('tx_test_counters').set({ value: value + 1 }).where('id', '=', 'no-retry').execute();
        },
        { isolation: 'serializable', maxAttempts: 1 },
      );
    const results = await Promise.allSettled([attempt(), attempt()]);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(rejected.length, 1);
    assert.equal((rejected[0]!.reason as { code?: string }).code, '40001');
    assert.equal(await counter(db.kysely, 'no-retry'), 1);
  });
});
