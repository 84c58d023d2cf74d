import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Settings } from '../../core/config.js';

/**
 * Where video files live. Public (served by nginx, or the app without a proxy): MEDIA_ROOT/videos/<id>/
 * with master.m3u8, <res>p/ renditions and poster.jpg. Private (only through the media gate):
 * MEDIA_ROOT/private/original_videos/, uploads in progress under private/uploads/, and the transcoder's
 * scratch space under private/transcode/<id>/ — nothing half-written is ever below a public path.
 */
export const ORIGINALS_DIR = 'original_videos';
export const UPLOADS_DIR = 'uploads';
export const TRANSCODE_DIR = 'transcode';
export const PUBLIC_VIDEOS_DIR = 'videos';
export const PUBLIC_DOWNLOADS_DIR = 'uploads';

type Media = Pick<Settings, 'mediaRoot'>;

export const privatePath = (s: Media, relative: string) => path.join(s.mediaRoot, 'private', relative);
export const publicPath = (s: Media, relative: string) => path.join(s.mediaRoot, relative);
export const publicVideoDir = (videoId: string) => `${PUBLIC_VIDEOS_DIR}/${videoId}`;
export const masterPlaylistPath = (videoId: string) => `${publicVideoDir(videoId)}/master.m3u8`;
export const posterPath = (videoId: string) => `${publicVideoDir(videoId)}/poster.jpg`;
export const uploadFile = (s: Media, uploadId: string) => privatePath(s, `${UPLOADS_DIR}/${uploadId}`);
export const mediaUrl = (relative: string) => `/media/${relative.split('/').map(encodeURIComponent).join('/')}`;

/** Writes a small file so readers see the old or the new content, never a half-written one. */
export async function writeAtomically(file: string, content: string | Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(temp, content);
  await rename(temp, file);
}

/**
 * Moves a finished directory to its public place in one rename (same file system): the URL shows the
 * complete old rendition or the complete new one. A replaced one is moved aside first, then removed.
 */
export async function publishDirectory(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  const aside = path.join(path.dirname(to), `.old-${path.basename(to)}-${randomBytes(4).toString('hex')}`);
  const replaced = await rename(to, aside).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  await rename(from, to);
  if (replaced) await rm(aside, { recursive: true, force: true });
}
