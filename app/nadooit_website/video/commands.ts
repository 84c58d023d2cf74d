import type { AppContext } from '../../core/app-module.js';
import type { CommandDefinition } from '../../core/cli/registry.js';
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
