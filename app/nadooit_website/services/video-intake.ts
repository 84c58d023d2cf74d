import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AppContext } from '../../core/app-module.js';
import { transaction } from '../../core/db/transaction.js';
import { NotAVideo, probe } from '../video/ffmpeg.js';
import { ORIGINALS_DIR, privatePath } from '../video/storage.js';
import { TRANSCODE_TASK, transcodeJobKey } from '../video/transcode.js';
import { findVideoByHash, insertVideo } from './videos.js';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Container names ffprobe reports → the extension the original is kept under. */
function extensionFor(container: string, originalName: string): string {
  const fromName = path.extname(originalName).toLowerCase();
  if (/^\.[a-z0-9]{1,5}$/.test(fromName)) return fromName;
  if (container.includes('mp4') || container.includes('mov')) return '.mp4';
  if (container.includes('matroska') || container.includes('webm')) return '.mkv';
  return '.bin';
}

export type IntakeResult =
  | { kind: 'created'; videoId: string }
  | { kind: 'duplicate'; videoId: string; title: string }
  | { kind: 'refused'; message: string };

/**
 * A complete upload becomes a video: checked with ffprobe (a non-video is refused and deleted), stored once
 * per content (sha256), moved to the private originals and queued for transcoding in the same transaction
 * that creates the row. The upload file never stays behind: it is moved or deleted.
 */
export async function intakeVideo(context: AppContext, file: string, meta: { title: string; originalName: string }): Promise<IntakeResult> {
  const { settings } = context;
  try {
    let probed;
    try {
      probed = await probe(file);
    } catch (error) {
      if (error instanceof NotAVideo) return { kind: 'refused', message: error.message };
      throw error;
    }
    const contentHash = await sha256File(file);
    const existing = await findVideoByHash(context.db.kysely, contentHash);
    if (existing) return { kind: 'duplicate', videoId: existing.id, title: existing.title };
    const videoId = randomUUID();
    const originalPath = `${ORIGINALS_DIR}/${videoId}${extensionFor(probed.container, meta.originalName)}`;
    const target = privatePath(settings, originalPath);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(file, target);
    const size = (await stat(target)).size;
    try {
      await transaction(context.db.kysely, async (tx, hooks) => {
        await insertVideo(tx, { id: videoId, title: meta.title || meta.originalName, contentHash, originalPath, originalName: meta.originalName, originalSize: size, probe: probed });
        await context.queue.enqueueWithin(tx, hooks, TRANSCODE_TASK, { videoId }, { uniqueKey: transcodeJobKey(videoId) });
      });
    } catch (error) {
      await rm(target, { force: true });
      const again = await findVideoByHash(context.db.kysely, contentHash); // the same content finished in parallel
      if (again) return { kind: 'duplicate', videoId: again.id, title: again.title };
      throw error;
    }
    return { kind: 'created', videoId };
  } finally {
    await rm(file, { force: true });
  }
}
