import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { openSqlite } from './dialects/sqlite.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !check(); i++) await sleep(50);
  assert.ok(check(), what);
}

// SQLite only: PostgreSQL checkpoints in its own processes.
describe('WalCheckpointer (SQLite checkpoints off the event loop)', () => {
  it('a process that commits often hands its checkpoints to the worker; the log is reused, nothing is lost', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nadooit-checkpointer-'));
    const file = path.join(dir, 'db.sqlite3');
    try {
      const { dialect, raw, checkpointer } = openSqlite(file);
      const db = new Kysely<{ t: { n: number; payload: string } }>({ dialect });
      await sql`create table t (n integer, payload text)`.execute(db);
      assert.equal(checkpointer!.running, false, 'a process that writes little keeps SQLite’s own checkpoints');
      assert.equal(raw.pragma('wal_autocheckpoint', { simple: true }), 1000);

      const payload = 'x'.repeat(4000); // about one page per row
      const commit = (n: number) => db.transaction().execute((tx) => tx.insertInto('t').values({ n, payload }).execute());
      for (let n = 0; n < 10; n++) await commit(n);
      assert.equal(checkpointer!.running, false);
      for (let n = 10; n < 1000; n++) await commit(n);
      assert.equal(checkpointer!.running, true, 'after 1,000 written statements the worker runs');
      assert.equal(raw.pragma('wal_autocheckpoint', { simple: true }), 0, 'and commits no longer checkpoint themselves');

      // 3,000 more pages: without checkpoints the log would grow past 12 MB; the worker's are reused from the start.
      for (let n = 1000; n < 4000; n++) {
        await commit(n);
        if (n % 500 === 0) {
          const copied = checkpointer!.checkpoints;
          await until('the worker copied the log into the database file', () => checkpointer!.checkpoints > copied);
        }
      }
      assert.ok(statSync(`${file}-wal`).size < 12 * 1024 * 1024, `log is ${statSync(`${file}-wal`).size} bytes`);

      await db.destroy();
      const reopened = new Database(file, { readonly: true });
      assert.deepEqual(reopened.prepare('select count(*) as n, sum(n) as s from t').get(), { n: 4000, s: (3999 * 4000) / 2 });
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('under writes without a pause, the log is restarted once it passes its size, and nothing is lost', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nadooit-checkpointer-'));
    const file = path.join(dir, 'db.sqlite3');
    const restartAfterFrames = 1024; // 4 MiB
    try {
      const { dialect, raw, checkpointer } = openSqlite(file, { restartLogAfterFrames: restartAfterFrames });
      const db = new Kysely<{ t: { n: number; payload: string } }>({ dialect });
      await sql`create table t (n integer, payload text)`.execute(db);
      checkpointer!.start();
      const payload = 'x'.repeat(4000);
      const rows = 20_000; // about 80 MiB of log, 20 times the restart size, in commits of 10 pages
      let largest = 0;
      for (let n = 0; n < rows; n += 10) {
        await db.transaction().execute((tx) => tx.insertInto('t').values(Array.from({ length: 10 }, (_, i) => ({ n: n + i, payload }))).execute());
        if (n % 500 === 0) largest = Math.max(largest, statSync(`${file}-wal`).size);
      }
      // Past the restart size by what is written between two of the worker's reports (250 ms) at most.
      assert.ok(largest < 6 * restartAfterFrames * 4096, `the log grew to ${largest} bytes`);
      assert.ok(checkpointer!.checkpoints > 0);
      await db.destroy();
      const reopened = new Database(file, { readonly: true });
      assert.deepEqual(reopened.prepare('select count(*) as n, sum(n) as s from t').get(), { n: rows, s: ((rows - 1) * rows) / 2 });
      reopened.close();
      assert.equal(raw.open, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the worker fails, SQLite’s own checkpoints come back', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nadooit-checkpointer-'));
    try {
      const { dialect, raw, checkpointer } = openSqlite(path.join(dir, 'db.sqlite3'));
      const db = new Kysely<{ t: { n: number } }>({ dialect });
      await sql`create table t (n integer)`.execute(db);
      checkpointer!.start();
      assert.equal(raw.pragma('wal_autocheckpoint', { simple: true }), 0);
      await (checkpointer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      await until('automatic checkpoints are back', () => raw.pragma('wal_autocheckpoint', { simple: true }) === 1000);
      assert.equal(checkpointer!.running, false);
      await db.insertInto('t').values({ n: 1 }).execute();
      await db.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
