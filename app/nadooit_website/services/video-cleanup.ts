import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext } from '../../core/app-module.js';
import { isUuid } from '../../core/ids.js';
import { PUBLIC_VIDEOS_DIR, TRANSCODE_DIR, UPLOADS_DIR, privatePath, publicPath } from '../video/storage.js';
import { deleteUploadRow, expiredUploads, knownVideoIds, processingVideoIds, uploadIds } from './videos.js';

export interface CleanupResult {
  /** Paths relative to MEDIA_ROOT that were (or, in a dry run, would be) removed. */
  removed: string[];
  dryRun: boolean;
}

async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => [] as string[]);
}

/** Left-overs of interrupted replaces and atomic writes: `.old-<rendition>-<random>` and `.<name>.<random>.tmp`. */
const LEFTOVER = /^\.(old-.+|.+\.tmp)$/;
/** A scratch file or a moved-aside rendition this old belongs to no running step any more. */
const LEFTOVER_AGE_MS = 3600_000;

/**
 * Removes derivatives no video owns any more, and nothing else: rendition folders of deleted videos
 * (MEDIA_ROOT/videos/<id>/), left-overs of interrupted publishing, transcoder scratch space of videos that
 * are not being processed, and resumable uploads that expired or lost their row. Downloads (uploads/),
 * bot voice files and every other media file are never looked at.
 */
export async function cleanupVideoDerivatives(context: AppContext, options: { dryRun: boolean; now?: Date }): Promise<CleanupResult> {
  const { settings } = context;
  const db = context.db.kysely;
  const now = options.now ?? new Date();
  const removed: string[] = [];
  const remove = async (relative: string, absolute: string) => {
    removed.push(relative);
    if (!options.dryRun) await rm(absolute, { recursive: true, force: true });
  };
  const videos = await knownVideoIds(db);

  for (const name of await entries(publicPath(settings, PUBLIC_VIDEOS_DIR))) {
    const relative = `${PUBLIC_VIDEOS_DIR}/${name}`;
    if (isUuid(name) && !videos.has(name)) {
      await remove(relative, publicPath(settings, relative));
      continue;
    }
    for (const inner of await entries(publicPath(settings, relative))) {
      const file = publicPath(settings, `${relative}/${inner}`);
      const info = await stat(file).catch(() => null);
      if (LEFTOVER.test(inner) && info && now.getTime() - info.mtimeMs > LEFTOVER_AGE_MS) await remove(`${relative}/${inner}`, file);
    }
  }

  const processing = await processingVideoIds(db);
  for (const name of await entries(privatePath(settings, TRANSCODE_DIR))) {
    if (processing.has(name)) continue;
    const relative = `private/${TRANSCODE_DIR}/${name}`;
    await remove(relative, path.join(settings.mediaRoot, relative));
  }

  const expired = new Set(await expiredUploads(db, now.toISOString()));
  const live = await uploadIds(db);
  for (const name of await entries(privatePath(settings, UPLOADS_DIR))) {
    if (live.has(name) && !expired.has(name)) continue;
    const relative = `private/${UPLOADS_DIR}/${name}`;
    await remove(relative, path.join(settings.mediaRoot, relative));
  }
  if (!options.dryRun) for (const id of expired) await deleteUploadRow(db, id);
  return { removed, dryRun: options.dryRun };
}
