import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { DatabaseConfig } from '../../core/config.js';
import type { Db } from '../../core/db/connection.js';
import type { Flavor } from '../../core/db/dialects/columns.js';
import { listFiles, sha256File, totalBytes } from './files.js';
import { runProgram } from './process.js';

export const BACKUP_FORMAT = 'nadooit-backup';
export const BACKUP_VERSION = 1;
const ARCHIVE_PATTERN = /^nadooit-backup-\d{8}T\d{6}Z\.tar\.gz$/;

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  database: { flavor: Flavor; file: string; sha256: string; bytes: number };
  migrations: Array<{ app: string; name: string }>;
  media: { files: number; bytes: number };
}

export interface BackupOptions {
  outputDir: string;
  /** Keep only the newest N archives in outputDir (older nadooit-backup-*.tar.gz are deleted). */
  keep?: number;
  now?: Date;
}

export interface BackupSources {
  database: DatabaseConfig;
  mediaRoot: string;
}

export class BackupError extends Error {}

function stamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** libpq settings for pg_dump/pg_restore that the connection URL cannot carry (the CA file). */
export function libpqEnv(config: DatabaseConfig): NodeJS.ProcessEnv {
  return config.kind === 'postgres' && config.caCertFile ? { ...process.env, PGSSLROOTCERT: config.caCertFile } : process.env;
}

async function dumpDatabase(db: Db, config: DatabaseConfig, directory: string): Promise<string> {
  if (db.flavor === 'sqlite') {
    // VACUUM INTO writes a consistent, compacted copy while the app keeps running (online backup).
    const file = path.join(directory, 'db.sqlite3');
    await sql`VACUUM INTO ${file}`.execute(db.kysely);
    return file;
  }
  if (db.flavor === 'cockroach') {
    throw new BackupError('CockroachDB cannot be dumped with pg_dump; use its BACKUP INTO statement (docs/operations.md)');
  }
  if (config.kind !== 'postgres') throw new BackupError('the database is PostgreSQL but DATABASE_URL does not say so');
  const file = path.join(directory, 'db.pgdump');
  await runProgram(
    'pg_dump',
    ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`, `--dbname=${config.url}`],
    libpqEnv(config),
  );
  return file;
}

/**
 * Writes <outputDir>/nadooit-backup-<UTC time>.tar.gz with manifest.json, database/ (an SQLite copy or
 * a pg_dump custom-format dump) and media/ (MEDIA_ROOT as it is). The archive appears only when complete.
 */
export async function createBackup(db: Db, sources: BackupSources, options: BackupOptions): Promise<{ archive: string; manifest: BackupManifest }> {
  const now = options.now ?? new Date();
  mkdirSync(options.outputDir, { recursive: true });
  const archive = path.join(path.resolve(options.outputDir), `nadooit-backup-${stamp(now)}.tar.gz`);
  const staging = mkdtempSync(path.join(options.outputDir, '.backup-'));
  try {
    const databaseDir = path.join(staging, 'database');
    mkdirSync(databaseDir);
    const dump = await dumpDatabase(db, sources.database, databaseDir);
    const migrations = await db.kysely
      .selectFrom('nadooit_migrations')
      .select(['app', 'name'])
      .orderBy('app')
      .orderBy('name')
      .execute()
      .catch(() => []);
    const mediaFiles = listFiles(sources.mediaRoot);
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: now.toISOString(),
      database: {
        flavor: db.flavor,
        file: `database/${path.basename(dump)}`,
        sha256: await sha256File(dump),
        bytes: statSync(dump).size,
      },
      migrations,
      media: { files: mediaFiles.length, bytes: totalBytes(sources.mediaRoot, mediaFiles) },
    };
    writeFileSync(path.join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const partial = `${archive}.partial`;
    const args = ['-czf', partial, '-C', staging, 'manifest.json', 'database'];
    // GNU tar: MEDIA_ROOT's "./x" members are stored as "media/x" without copying the files first.
    if (mediaFiles.length) args.push('-C', sources.mediaRoot, '--transform=s,^\\./,media/,', '.');
    await runProgram('tar', args);
    renameSync(partial, archive);
    if (options.keep) pruneBackups(options.outputDir, options.keep);
    return { archive, manifest };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(`${archive}.partial`, { force: true });
  }
}

/** Deletes all but the newest `keep` backup archives; returns the removed names. */
export function pruneBackups(outputDir: string, keep: number): string[] {
  const archives = readdirSync(outputDir).filter((name) => ARCHIVE_PATTERN.test(name)).sort().reverse();
  const removed = archives.slice(Math.max(keep, 1));
  for (const name of removed) rmSync(path.join(outputDir, name), { force: true });
  return removed;
}
