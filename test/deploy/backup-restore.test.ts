import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import pino from 'pino';
import { ALL_BACKENDS, describeBackend, serviceUrl, testSettings } from '../support/harness.js';
import type { Backend } from '../support/harness.js';
import type { CommandIO } from '../../app/core/cli/registry.js';
import type { Settings } from '../../app/core/config.js';
import { bootstrap } from '../../app/nadooit/bootstrap.js';
import { runManage } from '../../app/nadooit/manage.js';
import { listFiles } from '../../app/nadooit_ops/services/files.js';
import { userTables } from '../../app/nadooit_ops/services/database.js';
import { pruneBackups } from '../../app/nadooit_ops/services/backup.js';

function captureIO(): CommandIO & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    interactive: false,
    out: (line) => lines.push(line),
    err: (line) => lines.push(`ERR ${line}`),
    prompt: () => Promise.reject(new Error('no prompts in tests')),
  };
}

/** A fresh, empty database per settings object: a new SQLite data dir, or a new PostgreSQL database. */
async function emptyInstance(backend: Backend, cleanups: Array<() => Promise<void>>): Promise<Settings> {
  if (backend === 'sqlite') {
    const settings = testSettings();
    cleanups.push(async () => rmSync(path.dirname(settings.dataDir), { recursive: true, force: true }));
    return settings;
  }
  const admin = new URL(serviceUrl('postgres')!);
  const name = `nadooit_backup_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const settings = testSettings({ DATABASE_URL: url.toString() });
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
    rmSync(path.dirname(settings.dataDir), { recursive: true, force: true });
  });
  return settings;
}

async function snapshot(settings: Settings): Promise<Record<string, unknown[]>> {
  const system = await bootstrap(settings, { migrate: false, queueDriver: 'inline', logger: pino({ level: 'silent' }) });
  try {
    const out: Record<string, unknown[]> = {};
    for (const table of await userTables(system.context.db)) {
      const rows = await system.context.db.kysely.selectFrom(table as 'core_sessions').selectAll().execute();
      out[table] = rows.map((r) => JSON.stringify(r)).sort();
    }
    return out;
  } finally {
    await system.close();
  }
}

function mediaSnapshot(root: string): Record<string, string> {
  return Object.fromEntries(listFiles(root).map((f) => [f, readFileSync(path.join(root, f)).toString('base64')]));
}

for (const backend of ALL_BACKENDS) {
  describeBackend(backend, `manage backup and restore [${backend}]`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    it('restores database and media into an empty instance exactly, while the source stays open', async () => {
      const source = await emptyInstance(backend, cleanups);
      const running = await bootstrap(source, { migrate: true, queueDriver: 'inline', logger: pino({ level: 'silent' }) });
      try {
        const now = new Date().toISOString();
        for (const [i, name] of ['Jörg Müller', "O'Brien; DROP"].entries()) {
          await running.context.db.kysely
            .insertInto('core_sessions')
            .values({
              id: randomUUID(),
              token_hash: `hash-${i}`,
              user_id: randomUUID(),
              data: JSON.stringify({ name, flash: [{ kind: 'info', text: '✓ gespeichert' }] }),
              ip: '203.0.113.7',
              user_agent: null,
              created_at: now,
              last_seen_at: now,
              expires_at: now,
            })
            .execute();
        }
        const media = source.mediaRoot;
        mkdirSync(path.join(media, 'hls_playlists', 'abc_480p'), { recursive: true });
        mkdirSync(path.join(media, 'private', 'voice_files'), { recursive: true });
        writeFileSync(path.join(media, 'hls_playlists', 'abc_480p', 'index.m3u8'), '#EXTM3U\n');
        writeFileSync(path.join(media, 'hls_playlists', 'abc_480p', 'seg 0.ts'), randomBytes(200_000));
        writeFileSync(path.join(media, 'private', 'voice_files', 'voice_file.oga'), randomBytes(1000));

        const backupsDir = mkdtempSync(path.join(tmpdir(), 'nadooit-backups-'));
        cleanups.push(async () => rmSync(backupsDir, { recursive: true, force: true }));
        const io = captureIO();
        assert.equal(await runManage(source, ['backup', '--output', backupsDir], io), 0, io.lines.join('\n'));
        const archives = readdirSync(backupsDir);
        assert.equal(archives.length, 1, 'exactly the archive, no staging left behind');
        assert.match(archives[0]!, /^nadooit-backup-\d{8}T\d{6}Z\.tar\.gz$/);
        assert.ok(io.lines.some((l) => l.includes('media: 3 files')), io.lines.join('\n'));

        const target = await emptyInstance(backend, cleanups);
        const restoreIO = captureIO();
        const archive = path.join(backupsDir, archives[0]!);
        assert.equal(await runManage(target, ['restore', archive], restoreIO), 0, restoreIO.lines.join('\n'));

        const before = await snapshot(source);
        const restored = await snapshot(target);
        assert.ok(Object.keys(before).includes('core_sessions'));
        assert.deepEqual(restored, before);
        assert.equal(restored.core_sessions!.length, 2);
        assert.deepEqual(mediaSnapshot(target.mediaRoot), mediaSnapshot(source.mediaRoot));

        const again = captureIO();
        assert.equal(await runManage(target, ['restore', archive], again), 1);
        assert.match(again.lines.join('\n'), /ERR restore: the database is not empty/);
      } finally {
        await running.close();
      }
    });

    it('refuses an archive that is not a NADOO-IT backup, and a missing one', async () => {
      const target = await emptyInstance(backend, cleanups);
      const junkDir = mkdtempSync(path.join(tmpdir(), 'nadooit-junk-'));
      cleanups.push(async () => rmSync(junkDir, { recursive: true, force: true }));
      const io = captureIO();
      assert.equal(await runManage(target, ['restore', path.join(junkDir, 'missing.tar.gz')], io), 1);
      assert.match(io.lines.join('\n'), /does not exist/);
      writeFileSync(path.join(junkDir, 'junk.tar.gz'), 'not a tar file');
      assert.equal(await runManage(target, ['restore', path.join(junkDir, 'junk.tar.gz')], io), 1);
      assert.match(io.lines.at(-1)!, /ERR restore: tar failed/);
    });
  });
}

describe('backup rotation', () => {
  it('keeps the newest N archives and leaves other files alone', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nadooit-rotate-'));
    try {
      const names = ['20240101T000000Z', '20240301T000000Z', '20240201T000000Z'].map((s) => `nadooit-backup-${s}.tar.gz`);
      for (const name of [...names, 'notes.txt']) writeFileSync(path.join(dir, name), 'x');
      assert.deepEqual(pruneBackups(dir, 2), ['nadooit-backup-20240101T000000Z.tar.gz']);
      assert.deepEqual(readdirSync(dir).sort(), ['nadooit-backup-20240201T000000Z.tar.gz', 'nadooit-backup-20240301T000000Z.tar.gz', 'notes.txt']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
