import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, sql } from 'kysely';
import { openSqlite } from './dialects/sqlite.js';
import { WalSync } from './wal-sync.js';

// SQLite only: PostgreSQL makes its commits durable itself.
describe('WalSync (SQLite commits made durable off the event loop)', () => {
  it('every write is synced before its query answers; parallel writes share syncs; reads wait for a running sync only', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nadooit-walsync-'));
    try {
      const { dialect, raw } = openSqlite(path.join(dir, 'db.sqlite3'));
      assert.equal(raw.pragma('synchronous', { simple: true }), 1, 'NORMAL: COMMIT only writes the log');
      const db = new Kysely<{ t: { n: number } }>({ dialect });
      const wal = (dialect as unknown as { wal: WalSync }).wal;
      await sql`create table t (n integer)`.execute(db);
      const before = wal.syncs;
      await db.insertInto('t').values({ n: 1 }).execute();
      assert.equal(wal.syncs, before + 1, 'the insert answered after its sync');
      await db.selectFrom('t').selectAll().execute();
      assert.equal(wal.syncs, before + 1, 'a read alone syncs nothing');
      await Promise.all(Array.from({ length: 20 }, (_, i) => db.insertInto('t').values({ n: i }).execute()));
      assert.ok(wal.syncs - before - 1 <= 20, 'no more syncs than writes');
      await db.transaction().execute(async (tx) => {
        await tx.insertInto('t').values({ n: 99 }).execute();
        await tx.insertInto('t').values({ n: 100 }).execute();
      });
      const rows = await db.selectFrom('t').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(rows.n), 23);
      // What the code sees of `pragma synchronous`: FULL; lowered to NORMAL, its commits are not waited for.
      assert.deepEqual((await sql`pragma synchronous`.execute(db)).rows, [{ synchronous: 2 }]);
      await sql`pragma synchronous = normal`.execute(db);
      const relaxedFrom = wal.syncs;
      await db.insertInto('t').values({ n: 7 }).execute();
      assert.equal(wal.syncs, relaxedFrom, 'a relaxed commit waits for no sync');
      await sql`pragma synchronous = ${sql.raw('2')}`.execute(db);
      await db.insertInto('t').values({ n: 8 }).execute();
      assert.equal(wal.syncs, relaxedFrom + 1);
      assert.equal(raw.pragma('synchronous', { simple: true }), 1, 'the file itself stays on NORMAL');
      await db.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a failed sync fails the writes waiting for it, and the next write tries again', async () => {
    const wal = new WalSync(path.join(tmpdir(), 'nadooit-walsync-missing', 'db.sqlite3-wal'));
    wal.written();
    await assert.rejects(wal.durable(), /ENOENT/);
    wal.written();
    await assert.rejects(wal.durable(), /ENOENT/, 'tried again (the open is not cached as failed)');
    await wal.close();
  });
});
