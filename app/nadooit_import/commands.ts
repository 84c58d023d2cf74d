import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { CommandDefinition } from '../core/cli/registry.js';
import { CommandError } from '../core/cli/registry.js';
import { Progress } from '../core/cli/progress.js';
import { LegacySourceError, openLegacySource } from '../core/legacy/source.js';
import { ImportFailed, importDjango } from './run.js';
import { reportLines } from './report-text.js';

/**
 * `manage import_django <source> [--dry-run] [--media <dir>]`: takes over an original NADOO-IT installation from its
 * Django SQLite file or PostgreSQL/CockroachDB URL; running it again brings over what changed since.
 */
export const importDjangoCommand: CommandDefinition = {
  name: 'import_django',
  summary: 'Import an original NADOO-IT (Django) installation from its SQLite file or postgres:// URL (--dry-run writes nothing)',
  options: { 'dry-run': { type: 'boolean', default: false }, media: { type: 'string' } },
  async run(input, { db, settings, queue }, io) {
    const spec = input.positionals[0]?.trim();
    if (!spec) throw new CommandError('usage: manage import_django <django.sqlite3 | postgres://…> [--dry-run] [--media <the original MEDIA_ROOT>]');
    const dryRun = !!input.values['dry-run'];
    const mediaDir = typeof input.values.media === 'string' ? path.resolve(input.values.media) : undefined;
    if (mediaDir && !(await stat(mediaDir).catch(() => null))?.isDirectory()) throw new CommandError(`--media ${mediaDir} is not a folder`);
    let source;
    try {
      source = await openLegacySource(spec);
    } catch (error) {
      if (error instanceof LegacySourceError) throw new CommandError(error.message);
      throw error;
    }
    io.out(`${dryRun ? 'Dry run from' : 'Importing from'} ${source.description}`);
    try {
      const report = await importDjango(db.kysely, source, {
        dryRun,
        settings,
        mediaDir,
        queue,
        log: (line) => io.out(line),
        progress: (label, total) => new Progress(`  ${label}`, total),
      });
      for (const line of reportLines(report, dryRun)) io.out(line);
      return report.problems.length ? 2 : 0;
    } catch (error) {
      if (!(error instanceof ImportFailed)) throw error;
      for (const line of reportLines(error.report, dryRun)) io.out(line);
      throw new CommandError(error.message);
    } finally {
      await source.close();
    }
  },
};
