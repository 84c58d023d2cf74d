import path from 'node:path';
import { CommandError } from '../core/cli/registry.js';
import type { CommandDefinition, CommandInput } from '../core/cli/registry.js';
import { BackupError, createBackup } from './services/backup.js';
import { collectStatic } from './services/collectstatic.js';
import { ExternalCommandError } from './services/process.js';
import { restoreBackup } from './services/restore.js';

function positiveInt(input: CommandInput, name: string, fallback: number | undefined): number | undefined {
  const raw = input.values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new CommandError(`--${name} expects a whole number ≥ 1`);
  return n;
}

/** Backup and restore failures are the operator's to fix: one clear line, no stack trace. */
async function operatorErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BackupError || error instanceof ExternalCommandError) throw new CommandError(error.message);
    throw error;
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function opsCommands(): CommandDefinition[] {
  return [
    {
      name: 'backup',
      summary: 'Write database and media into backups/nadooit-backup-<time>.tar.gz (--output DIR, --keep N)',
      needsMigratedDatabase: false,
      options: { output: { type: 'string', short: 'o' }, keep: { type: 'string' } },
      async run(input, { db, settings }, io) {
        const outputDir = path.resolve(String(input.values.output ?? 'backups'));
        const keep = positiveInt(input, 'keep', undefined);
        const { archive, manifest } = await operatorErrors(() =>
          createBackup(db, { database: settings.database, mediaRoot: settings.mediaRoot }, { outputDir, keep }),
        );
        io.out(`Backup written: ${archive}`);
        io.out(`  database: ${manifest.database.flavor}, ${mb(manifest.database.bytes)}, ${manifest.migrations.length} migrations`);
        io.out(`  media: ${manifest.media.files} files, ${mb(manifest.media.bytes)}`);
      },
    },
    {
      name: 'restore',
      summary: 'Restore a backup archive into an empty database and an empty MEDIA_ROOT',
      needsMigratedDatabase: false,
      async run(input, { db, settings }, io) {
        const [archive] = input.positionals;
        if (!archive) throw new CommandError('usage: manage restore <nadooit-backup-….tar.gz>');
        const manifest = await operatorErrors(() =>
          restoreBackup(db, { database: settings.database, mediaRoot: settings.mediaRoot }, path.resolve(archive)),
        );
        io.out(`Restored the backup of ${manifest.createdAt}: ${manifest.migrations.length} migrations, ${manifest.media.files} media files.`);
        io.out('Run "npm run manage -- migrate" if this version has newer migrations.');
      },
    },
    {
      name: 'collectstatic',
      summary: 'Copy the static assets to STATIC_ROOT/<build id>/ for nginx (--keep N builds, default 3)',
      needsMigratedDatabase: false,
      options: { keep: { type: 'string' } },
      async run(input, { settings }, io) {
        const result = collectStatic(settings.staticRoot, positiveInt(input, 'keep', 3));
        io.out(
          result.alreadyThere
            ? `Static build ${result.build} is already collected in ${result.directory}.`
            : `Collected ${result.files} files into ${result.directory}.`,
        );
        if (result.removed.length) io.out(`Removed old builds: ${result.removed.join(', ')}`);
      },
    },
  ];
}
