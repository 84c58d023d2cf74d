import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext } from '../../core/app-module.js';
import { transaction } from '../../core/db/transaction.js';
import { findVideo, setPreview } from '../services/videos.js';
import { probeImage } from './ffmpeg.js';
import { publicPath, publicVideoDir } from './storage.js';

/** An own preview image may be this large (the poster frame the worker takes is a few hundred kB). */
export const PREVIEW_MAX_BYTES = 10 * 1024 * 1024;
/** Wider or taller pictures are refused (decoding one costs memory in every browser that shows it). */
const PREVIEW_MAX_PIXELS = 8192;

/** Why an image is refused; the message is shown to the staff member. */
export class BadPreview extends Error {}

/** The image types a preview may have, told by their first bytes (never by the name or the browser's type). */
const SIGNATURES: Array<{ ext: string; codec: string; matches: (head: Buffer) => boolean }> = [
  { ext: '.jpg', codec: 'mjpeg', matches: (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff },
  { ext: '.png', codec: 'png', matches: (h) => h.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { ext: '.webp', codec: 'webp', matches: (h) => h.toString('latin1', 0, 4) === 'RIFF' && h.toString('latin1', 8, 12) === 'WEBP' },
];

async function head(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(16);
    const { bytesRead } = await handle.read(buffer, 0, 16, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Checks an uploaded picture: at most PREVIEW_MAX_BYTES, JPEG, PNG or WebP by its content, and readable as
 * such by ffprobe with a sensible size. Returns the extension it is stored under.
 */
export async function checkPreviewImage(file: string, size: number): Promise<string> {
  if (size === 0) throw new BadPreview('Die Bilddatei ist leer.');
  if (size > PREVIEW_MAX_BYTES) throw new BadPreview(`Das Bild ist größer als ${PREVIEW_MAX_BYTES / 1024 / 1024} MB.`);
  const first = await head(file);
  const type = SIGNATURES.find((s) => s.matches(first));
  if (!type) throw new BadPreview('Nur JPEG-, PNG- oder WebP-Bilder sind als Vorschaubild erlaubt.');
  const image = await probeImage(file);
  if (!image || image.codec !== type.codec) throw new BadPreview('Die Bilddatei ist beschädigt oder nicht lesbar.');
  if (image.width > PREVIEW_MAX_PIXELS || image.height > PREVIEW_MAX_PIXELS) throw new BadPreview(`Das Bild ist größer als ${PREVIEW_MAX_PIXELS} × ${PREVIEW_MAX_PIXELS} Pixel.`);
  return type.ext;
}

/**
 * Makes a checked picture the video's preview (public media, under a new name so no cache shows the old
 * one) in place of the poster frame or an earlier own preview, which is removed after the change committed.
 * The worker takes a poster frame only for a video without preview, so an own one is never overwritten.
 */
export async function replacePreview(context: AppContext, videoId: string, upload: { temp: string; size: number }): Promise<string> {
  const db = context.db.kysely;
  const video = await findVideo(db, videoId);
  if (!video) throw new BadPreview('Das Video gibt es nicht mehr.');
  const ext = await checkPreviewImage(upload.temp, upload.size);
  const relative = `${publicVideoDir(videoId)}/preview-${randomBytes(6).toString('hex')}${ext}`;
  const target = publicPath(context.settings, relative);
  await mkdir(path.dirname(target), { recursive: true });
  await rename(upload.temp, target);
  try {
    await transaction(db, (tx) => setPreview(tx, videoId, relative, false));
  } catch (error) {
    await rm(target, { force: true });
    throw error;
  }
  if (video.preview_path && video.preview_path !== relative) await rm(publicPath(context.settings, video.preview_path), { force: true });
  return relative;
}
