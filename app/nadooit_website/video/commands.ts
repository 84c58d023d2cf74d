import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { AppContext } from '../../core/app-module.js';
import { Progress } from '../../core/cli/progress.js';
import { CommandError } from '../../core/cli/registry.js';
import type { CommandDefinition } from '../../core/cli/registry.js';
import { isUuid } from '../../core/ids.js';
import { allVideoIds } from '../services/videos.js';
import { BadArchive, exportVideos, importVideos, importLimits } from './zip.js';
import type { TaskDefinition } from '../../core/queue/types.js';
import { cleanupVideoDerivatives } from '../services/video-cleanup.js';

export const CLEANUP_VIDEOS_TASK = 'nadooit_website.cleanup_videos';

/** `manage cleanup_videos [--dry-run]`: orphaned video derivatives only (never downloads or bot files). */
export const cleanupVideosCommand: CommandDefinition = {
  name: 'cleanup_videos',
  summary: 'Remove orphaned video derivatives (renditions of deleted videos, stale scratch space and uploads); --dry-run only lists them',
  options: { 'dry-run': { type: 'boolean', default: false } },
  async run(input, context, io) {
    const result = await cleanupVideoDerivatives(context, { dryRun: !!input.values['dry-run'] });
    for (const relative of result.removed) io.out(`${result.dryRun ? 'would remove' : 'removed'} ${relative}`);
    io.out(`${result.dryRun ? 'Dry run, nothing removed: ' : ''}${result.removed.length} orphaned item(s).`);
  },
};

export function cleanupVideosTask(context: () => AppContext): TaskDefinition {
  return {
    name: CLEANUP_VIDEOS_TASK,
    async handler() {
      const ctx = context();
      const result = await cleanupVideoDerivatives(ctx, { dryRun: false });
      if (result.removed.length) ctx.log.info({ removed: result.removed }, 'orphaned video derivatives removed');
    },
  };
}

/** `manage export_videos <file.zip> [video ids…]`: the original's video_data.json layout, every video when none is named. */
export const exportVideosCommand: CommandDefinition = {
  name: 'export_videos',
  summary: 'Write videos (all, or the ids given after the file name) with originals, previews and HLS renditions to a ZIP file',
  async run(input, context, io) {
    const [file, ...ids] = input.positionals;
    if (!file) throw new CommandError('usage: export_videos <file.zip> [video id …]');
    const bad = ids.find((id) => !isUuid(id));
    if (bad) throw new CommandError(`not a video id: ${bad}`);
    const chosen = ids.length ? ids : await allVideoIds(context.db.kysely);
    const { stream } = await exportVideos(context, chosen);
    await pipeline(stream, createWriteStream(file));
    io.out(`Exported ${chosen.length} video(s) to ${file} (${(await stat(file)).size} bytes).`);
  },
};

/** `manage import_videos <file.zip>`: checked entry by entry; a bad archive writes nothing. */
export const importVideosCommand: CommandDefinition = {
  name: 'import_videos',
  summary: 'Import videos from a ZIP in the video_data.json layout (refused as a whole when anything in it is unexpected)',
  async run(input, context, io) {
    const [file] = input.positionals;
    if (!file) throw new CommandError('usage: import_videos <file.zip>');
    let progress: Progress | undefined;
    try {
      const result = await importVideos(context, file, {
        limits: importLimits(context.settings),
        progress: (done, total) => {
          progress ??= new Progress('unpacking', total);
          progress.tick();
          if (done === total) progress.finish();
        },
      });
      for (const v of result.videos) io.out(`imported ${v.id} “${v.title}” with ${v.resolutions} rendition(s)`);
      io.out(`Imported ${result.videos.length} video(s).`);
    } catch (error) {
      if (error instanceof BadArchive) throw new CommandError(`refused, nothing written: ${error.message}`);
      throw error;
    }
  },
};
