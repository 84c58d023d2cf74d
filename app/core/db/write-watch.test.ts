import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { transaction } from './transaction.js';
import { cachedTables, writeWatchOf } from './write-watch.js';
import type { WriteWatch } from './write-watch.js';

/** An id no row has: the statements below change nothing, the watch counts them all the same. */
const NONE = '00000000-0000-4000-8000-000000000000';

/** What the watch's listener (Redis invalidation) is told while `work` runs, each call's tables sorted. */
async function heardDuring(watch: WriteWatch, work: () => Promise<void>): Promise<string[][]> {
  const heard: string[][] = [];
  watch.onWrites((tables) => heard.push([...tables].sort()));
  try {
    await work();
  } finally {
    watch.onWrites(null);
  }
  return heard;
}

describeEachBackend('write watch: read caches learn of this process\'s writes at once', (h) => {
  const db = () => h().system.context.db.kysely;

  it('the generation of a table moves with UPDATE and DELETE (also aliased, also in a transaction), not with reads or inserts', async () => {
    const watch = writeWatchOf(db());
    const users = () => watch.generation(['users']);
    const start = users();
    await db().selectFrom('users').select('id').execute();
    assert.equal(users(), start);
    await db().updateTable('users').set({ is_active: true }).where('id', '=', NONE).execute();
    assert.equal(users(), start + 1);
    await db().updateTable('users as u').set({ is_active: true }).where('u.id', '=', NONE).execute();
    assert.equal(users(), start + 2);
    await transaction(db(), async (tx) => {
      await tx.deleteFrom('users').where('id', '=', NONE).execute();
    });
    assert.equal(users(), start + 3);
    const other = watch.generation(['api_keys']);
    await db().updateTable('users').set({ is_active: true }).where('id', '=', NONE).execute();
    assert.equal(watch.generation(['api_keys']), other, 'other tables keep their generation');
  });

  it('tells a listener (Redis invalidation) the tables written, after the statement and again after the commit; external writes move the generation', async () => {
    const watch = writeWatchOf(db());
    const heard = await heardDuring(watch, () =>
      transaction(db(), async (tx) => {
        await tx.updateTable('users').set({ is_active: true }).where('id', '=', NONE).execute();
        await tx.deleteFrom('api_keys').where('id', '=', NONE).execute();
      }),
    );
    assert.deepEqual(heard, [['users'], ['api_keys'], ['api_keys', 'users']]);
    const before = watch.generation(['api_keys']);
    watch.external(['api_keys']);
    assert.notEqual(watch.generation(['api_keys']), before);
  });

  it('tells other processes only of writes to tables a read cache depends on; a cache of an undeclared table is refused', async () => {
    const watch = writeWatchOf(db());
    const heard = await heardDuring(watch, async () => {
      await transaction(db(), async (tx) => {
        await tx.updateTable('ta_time_accounts').set({ is_active: true }).where('id', '=', NONE).execute();
        await tx.updateTable('ex_customer_program_counters').set({ executions: 0 }).where('customer_program_id', '=', NONE).execute();
      });
      await db().updateTable('pos_customer_programs').set({ is_active: true }).where('id', '=', NONE).execute();
    });
    assert.deepEqual(heard, [['pos_customer_programs']], 'booking tables are not sent; a program change is');
    assert.throws(() => watch.generation(['ta_time_accounts']), /ta_time_accounts is read by a cache but not declared with cachedTables\(\)/);
    cachedTables('write_watch_test_table');
    assert.equal(watch.generation(['write_watch_test_table']), 0);
  });
});
