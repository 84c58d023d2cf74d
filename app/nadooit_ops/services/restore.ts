import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Db } from '../../core/db/connection.js';
import { BACKUP_FORMAT, BACKUP_VERSION, BackupError, libpqEnv } from './backup.js';
import type { BackupManifest, BackupSources } from './backup.js';
import { userTables } from './database.js';
import { listFiles, sha256File } from './files.js';
import { runProgram } from './process.js';

function readManifest(directory: string): BackupManifest {
  const file = path.join(directory, 'manifest.json');
  if (!existsSync(file)) throw new BackupError('the archive has no manifest.json: not a NADOO-IT backup');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as BackupManifest;
  if (manifest.format !== BACKUP_FORMAT || manifest.version > BACKUP_VERSION) {
    throw new BackupError(`unsupported backup format ${manifest.format} v${manifest.version}`);
  }
  return manifest;
}

async function assertEmptyTarget(db: Db, mediaRoot: string): Promise<void> {
  const tables = await userTables(db);
  if (tables.length) {
    throw new BackupError(`the database is not empty (${tables.slice(0, 5).join(', ')}…); restore only into a new, empty database`);
  }
  const media = listFiles(mediaRoot);
  if (media.length) throw new BackupError(`MEDIA_ROOT ${mediaRoot} already holds ${media.length} files; restore into an empty one`);
}

async function restoreDatabase(db: Db, target: BackupSources['database'], manifest: BackupManifest, dump: string): Promise<void> {
  if (manifest.database.flavor === 'sqlite') {
    if (target.kind !== 'sqlite' || db.flavor !== 'sqlite') throw new BackupError('this backup holds an SQLite database; DATABASE_URL must point to SQLite');
    const source = new Database(dump, { readonly: true, fileMustExist: true });
    try {
      // The SQLite backup API copies page by page under the proper locks, so the open connection sees it.
      await source.backup(target.file);
    } finally {
      source.close();
    }
    return;
  }
  if (target.kind !== 'postgres' || db.flavor !== 'postgres') throw new BackupError('this backup holds a PostgreSQL dump; DATABASE_URL must point to PostgreSQL');
  await runProgram(
    'pg_restore',
    ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${target.url}`, dump],
    libpqEnv(target),
  );
}

/**
 * Restores an archive made by createBackup into an empty database and an empty MEDIA_ROOT. Run
 * `manage migrate` afterwards when the code is newer than the backup.
 */
export async function restoreBackup(db: Db, target: BackupSources, archive: string): Promise<BackupManifest> {
  if (!existsSync(archive)) throw new BackupError(`${archive} does not exist`);
  await assertEmptyTarget(db, target.mediaRoot);
  const scratch = mkdtempSync(path.join(tmpdir(), 'nadooit-restore-'));
  try {
    await runProgram('tar', ['-xzf', archive, '-C', scratch, 'manifest.json', 'database']);
    const manifest = readManifest(scratch);
    const dump = path.join(scratch, manifest.database.file);
    if ((await sha256File(dump)) !== manifest.database.sha256) throw new BackupError('the database dump does not match its checksum');
    await restoreDatabase(db, target.database, manifest, dump);
    if (manifest.media.files > 0) {
      mkdirSync(target.mediaRoot, { recursive: true });
      await runProgram('tar', ['-xzf', archive, '-C', target.mediaRoot, '--strip-components=1', 'media']);
    }
    return manifest;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
