import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { describeEachBackend } from '../../../test/support/harness.js';
import { openDatabase, walSyncOf } from './connection.js';
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

/** A gate in front of the log sync: each sync waits until the test opens it. */
function gateSyncs(wal: object): { started: () => number; open: () => void } {
  const target = wal as { sync: () => Promise<void> };
  const real = target.sync.bind(wal);
  const waiting: Array<() => void> = [];
  let started = 0;
  target.sync = async () => {
    started += 1;
    await new Promise<void>((resolve) => waiting.push(resolve));
    await real();
  };
  return { started: () => started, open: () => waiting.splice(0).forEach((resolve) => resolve()) };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), 'condition reached');
}

// SQLite only: there the log sync after a COMMIT is the writer's to await (PostgreSQL's COMMIT syncs itself).
describe('db: group commit overlaps a batch\'s log sync with the next batch (SQLite)', () => {
  it('starts the next batch while the previous sync runs, and answers each batch only after its own sync', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nadooit-pipeline-'));
    const file = path.join(dir, 'db.sqlite3');
    const handle = await openDatabase({ kind: 'sqlite', file });
    const reader = () => new Database(file, { readonly: true });
    try {
      const db = handle.kysely;
      await sql`create table pipeline_test (id text primary key)`.execute(db);
      const gate = gateSyncs(walSyncOf(db)!);
      const kind: GroupCommitKind<string, string> = {
        name: 'test.pipeline',
        begin: (tx) => ({
          run: async (id) => (await sql`insert into pipeline_test (id) values (${id})`.execute(tx), id),
          flush: async () => undefined,
        }),
      };
      const writer = new GroupCommit(db, kind);
      const answered: string[] = [];
      const first = writer.submit('a').then((id) => answered.push(id));
      await until(() => gate.started() === 1);
      const second = writer.submit('b').then((id) => answered.push(id));
      const committed = () => {
        const raw = reader();
        try {
          return (raw.prepare('select id from pipeline_test order by id').all() as Array<{ id: string }>).map((row) => row.id).join();
        } finally {
          raw.close();
        }
      };
      await until(() => committed() === 'a,b');
      assert.deepEqual(answered, [], 'both batches committed, neither answered before its sync');
      assert.equal(writer.stats.batches, 0);
      gate.open();
      await first;
      assert.deepEqual(answered, ['a'], 'the first batch is answered after its sync; the second waits for one of its own');
      await until(() => gate.started() === 2);
      gate.open();
      await second;
      assert.deepEqual(answered, ['a', 'b']);
    } finally {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
