import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { describeEachBackend } from '../../../test/support/harness.js';
import { GroupCommit } from './group-commit.js';
import type { GroupCommitKind } from './group-commit.js';
import { DurabilityError } from './wal-sync.js';

describeEachBackend('db: group commit when the log cannot be synced', (h) => {
  const db = () => h().system.context.db.kysely;
  before(async () => {
    await sql`create table group_commit_test (id text primary key)`.execute(db());
  });

  it('answers every job of the batch with the error and runs none of them again (they would be applied twice)', async () => {
    const runs: string[] = [];
    const kind: GroupCommitKind<string, string> = {
      name: 'test.durability',
      begin: (tx) => ({
        async run(id) {
          runs.push(id);
          await sql`insert into group_commit_test (id) values (${id})`.execute(tx);
          return id;
        },
        async flush() {
          throw new DurabilityError(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
        },
      }),
    };
    const writer = new GroupCommit(db(), kind);
    const outcomes = await Promise.allSettled(['a', 'b', 'c'].map((id) => writer.submit(id)));
    assert.deepEqual(
      outcomes.map((o) => o.status === 'rejected' && o.reason instanceof DurabilityError && /could not be synced to disk: EIO/.test(o.reason.message)),
      [true, true, true],
    );
    assert.deepEqual(runs, ['a', 'b', 'c'], 'each job ran once, in one batch');
  });
});
