import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { z } from 'zod';
import type { AppContext } from '../../core/app-module.js';
import { transaction } from '../../core/db/transaction.js';
import { isUuid } from '../../core/ids.js';
import { findVideo, findVideoByHash, insertVideo, resolutionsOf, upsertResolution } from '../services/videos.js';
import { sha256File } from '../services/video-intake.js';
import { probe } from './ffmpeg.js';
import { checkPreviewImage } from './preview.js';
import type { Probe } from './ffmpeg.js';
import { masterPlaylist, plan } from './ladder.js';
import { videoConfig } from './settings.js';
import { ORIGINALS_DIR, masterPlaylistPath, privatePath, publicPath, publicVideoDir, publishDirectory, writeAtomically } from './storage.js';

/**
 * ZIP export/import in the original's layout: per video, `video_data.json`, the original and the preview
 * image at the top, and one folder per rendition named like the original's HLS folder
 * (`<video id>_<height>p/index.m3u8`, `index0.ts`, …). One video: at the root of the archive; several:
 * each in a folder named by its id. `video_file` (the original's per-rendition MP4) is null in our exports
 * and, when present in an imported archive, checked and not kept (HLS is what plays).
 */
export const DATA_FILE = 'video_data.json';

const resolutionSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  resolution: z.number().int().min(16).max(4320),
  video_file: z.string().nullable().optional(),
  hls_playlist_file: z.string().nullable(),
});
const dataSchema = z.object({
  id: z.string().refine(isUuid, 'id must be a UUID'),
  title: z.string().min(1).max(200),
  preview_image: z.string().nullable().optional(),
  original_file: z.string().min(1),
  resolutions: z.array(resolutionSchema).max(20),
});
type VideoData = z.infer<typeof dataSchema>;

const hlsFolder = (videoId: string, height: number) => `${videoId}_${height}p`;
const previewPathOf = (videoId: string, ext: string) => `${publicVideoDir(videoId)}/preview${ext}`;

/** Streams a ZIP of the given videos; files are read from disk while the archive is sent. */
export async function exportVideos(context: AppContext, ids: string[]): Promise<{ stream: Readable; fileName: string; count: number }> {
  const { settings } = context;
  const db = context.db.kysely;
  const zip = new yazl.ZipFile();
  let fileName = 'videos_files.zip';
  let count = 0;
  for (const id of ids) {
    const video = await findVideo(db, id);
    if (!video) continue;
    count++;
    const prefix = ids.length > 1 ? `${video.id}/` : '';
    if (ids.length === 1) fileName = `${video.title.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 80) || 'video'}_files.zip`;
    const resolutions = await resolutionsOf(db, id);
    const originalName = path.basename(video.original_path);
    zip.addFile(privatePath(settings, video.original_path), `${prefix}${originalName}`);
    const preview = video.preview_path ? `preview${path.extname(video.preview_path)}` : null;
    if (video.preview_path && preview) zip.addFile(publicPath(settings, video.preview_path), `${prefix}${preview}`);
    for (const r of resolutions) {
      const dir = path.dirname(publicPath(settings, r.playlist_path));
      for (const file of (await readdir(dir)).sort()) zip.addFile(path.join(dir, file), `${prefix}${hlsFolder(id, r.resolution)}/${file}`);
    }
    const data: VideoData = {
      id: video.id,
      title: video.title,
      preview_image: preview,
      original_file: originalName,
      resolutions: resolutions.map((r) => ({ id: r.id, resolution: r.resolution, video_file: null, hls_playlist_file: hlsFolder(id, r.resolution) })),
    };
    zip.addBuffer(Buffer.from(JSON.stringify(data, null, 2)), `${prefix}${DATA_FILE}`);
  }
  zip.end();
  return { stream: zip.outputStream as unknown as Readable, fileName, count };
}

export class BadArchive extends Error {}

export interface ImportLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
}

/** Limits for an imported archive, from the upload limit: at most that much unpacked, 20 000 entries. */
export function importLimits(settings: Parameters<typeof videoConfig>[0]): ImportLimits {
  const max = videoConfig(settings).maxUploadBytes;
  return { maxEntries: 20_000, maxEntryBytes: max, maxTotalBytes: max * 4 };
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._()+-]{0,200}$/;
const SEGMENT_NAME = /^[A-Za-z0-9_-]{1,100}\.(m3u8|ts|m4s|mp4)$/;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: true }, (error, zip) => (error ? reject(new BadArchive(`not a readable ZIP archive: ${error.message}`)) : resolve(zip))),
  );
}

/** Every entry of the archive, checked: no absolute paths, no `..`, no symlinks, sizes within limits. */
async function listEntries(zip: yauzl.ZipFile, limits: ImportLimits): Promise<yauzl.Entry[]> {
  const entries: yauzl.Entry[] = [];
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    zip.on('error', (error: Error) => reject(new BadArchive(`invalid archive entry: ${error.message}`)));
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (mode === S_IFLNK) return reject(new BadArchive(`symbolic link in the archive: ${name}`));
      if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\\') || name.includes('\0')) return reject(new BadArchive(`absolute or invalid path in the archive: ${name}`));
      if (name.split('/').some((segment) => segment === '..' || segment === '.')) return reject(new BadArchive(`path leaving the archive: ${name}`));
      if (entries.length >= limits.maxEntries) return reject(new BadArchive(`more than ${limits.maxEntries} entries`));
      if (entry.uncompressedSize > limits.maxEntryBytes) return reject(new BadArchive(`entry too large: ${name}`));
      total += entry.uncompressedSize;
      if (total > limits.maxTotalBytes) return reject(new BadArchive('archive too large when unpacked'));
      if (!name.endsWith('/')) entries.push(entry);
      zip.readEntry();
    });
    zip.readEntry();
  });
  return entries;
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (error, stream) => (error ? reject(new BadArchive(error.message)) : resolve(stream))));
}

async function readJson(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<VideoData> {
  if (entry.uncompressedSize > 1024 * 1024) throw new BadArchive(`${entry.fileName} is too large`);
  const chunks: Buffer[] = [];
  for await (const chunk of await readEntry(zip, entry)) chunks.push(chunk as Buffer);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadArchive(`${entry.fileName} is not valid JSON`);
  }
  const parsed = dataSchema.safeParse(json);
  if (!parsed.success) throw new BadArchive(`${entry.fileName}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return parsed.data;
}

interface PlannedVideo {
  data: VideoData;
  prefix: string;
}

/** Which files each video_data.json allows; anything else in the archive refuses it. */
function expectedFiles(video: PlannedVideo, names: string[]): Set<string> {
  const { data, prefix } = video;
  for (const file of [data.original_file, data.preview_image, ...data.resolutions.map((r) => r.video_file)]) {
    if (file && !SAFE_NAME.test(file)) throw new BadArchive(`invalid file name in ${prefix}${DATA_FILE}: ${file}`);
  }
  const expected = new Set<string>([`${prefix}${DATA_FILE}`, `${prefix}${data.original_file}`]);
  if (data.preview_image) expected.add(`${prefix}${data.preview_image}`);
  for (const r of data.resolutions) {
    if (r.video_file) expected.add(`${prefix}${r.video_file}`);
    if (!r.hls_playlist_file) continue;
    if (!SAFE_NAME.test(r.hls_playlist_file) || r.hls_playlist_file.includes('/')) throw new BadArchive(`invalid HLS folder name: ${r.hls_playlist_file}`);
    const folder = `${prefix}${r.hls_playlist_file}/`;
    const inside = names.filter((n) => n.startsWith(folder));
    if (!inside.some((n) => n.endsWith('.m3u8'))) throw new BadArchive(`${folder} has no playlist`);
    for (const name of inside) {
      if (!SEGMENT_NAME.test(name.slice(folder.length))) throw new BadArchive(`unexpected file in ${folder}: ${name.slice(folder.length)}`);
      expected.add(name);
    }
  }
  for (const name of expected) if (!names.includes(name)) throw new BadArchive(`${name} is named in ${prefix}${DATA_FILE} but missing`);
  return expected;
}

export interface ImportResult {
  videos: Array<{ id: string; title: string; resolutions: number }>;
}

/**
 * Imports an archive: every entry is checked before anything is written, files are unpacked to a private
 * scratch folder, the originals are checked with ffprobe, then the database is written in one
 * transaction and only after it committed are the files moved into place. A bad archive writes nothing.
 */
export async function importVideos(context: AppContext, archive: string, options: { limits: ImportLimits; progress?: (done: number, total: number) => void }): Promise<ImportResult> {
  const { settings } = context;
  const db = context.db.kysely;
  const zip = await openZip(archive);
  const scratch = privatePath(settings, `tmp/import-${randomBytes(6).toString('hex')}`);
  try {
    const entries = await listEntries(zip, options.limits);
    const names = entries.map((e) => e.fileName);
    const dataEntries = entries.filter((e) => e.fileName === DATA_FILE || /^[0-9a-f-]{36}\/video_data\.json$/.test(e.fileName));
    if (!dataEntries.length) throw new BadArchive(`no ${DATA_FILE} in the archive`);
    const videos: PlannedVideo[] = [];
    for (const entry of dataEntries) videos.push({ data: await readJson(zip, entry), prefix: entry.fileName.slice(0, -DATA_FILE.length) });
    if (new Set(videos.map((v) => v.data.id)).size !== videos.length) throw new BadArchive('the same video id twice');
    const expected = new Set(videos.flatMap((v) => [...expectedFiles(v, names)]));
    const extra = names.find((n) => !expected.has(n));
    if (extra) throw new BadArchive(`unexpected file in the archive: ${extra}`);

    let done = 0;
    for (const entry of entries) {
      if (entry.fileName.endsWith(DATA_FILE)) continue;
      const target = path.join(scratch, entry.fileName);
      await mkdir(path.dirname(target), { recursive: true });
      await pipeline(await readEntry(zip, entry), createWriteStream(target, { flags: 'wx' }));
      options.progress?.(++done, entries.length - dataEntries.length);
    }

    const prepared: Array<PlannedVideo & { probed: Probe; contentHash: string; original: string; previewExt: string | null }> = [];
    for (const { data, prefix } of videos) {
      const original = path.join(scratch, prefix, data.original_file);
      const probed = await probe(original).catch((error: Error) => {
        throw new BadArchive(`${prefix}${data.original_file}: ${error.message}`);
      });
      const preview = data.preview_image ? path.join(scratch, prefix, data.preview_image) : null;
      const previewExt = preview
        ? await checkPreviewImage(preview, (await stat(preview)).size).catch((error: Error) => {
            throw new BadArchive(`${prefix}${data.preview_image}: ${error.message}`);
          })
        : null;
      const contentHash = await sha256File(original);
      const same = await findVideoByHash(db, contentHash);
      if (same && same.id !== data.id) throw new BadArchive(`${data.title}: the same video already exists as “${same.title}”`);
      prepared.push({ data, prefix, probed, contentHash, original, previewExt });
    }

    await transaction(db, async (tx) => {
      for (const { data, probed, contentHash, original, previewExt } of prepared) {
        const originalPath = `${ORIGINALS_DIR}/${data.id}${path.extname(data.original_file).toLowerCase() || '.mp4'}`;
        const existing = await findVideo(tx, data.id);
        if (existing) await tx.deleteFrom('web_videos').where('id', '=', data.id).execute();
        await insertVideo(tx, { id: data.id, title: data.title, contentHash, originalPath, originalName: data.original_file, originalSize: 0, probe: probed });
        const { size } = await stat(original);
        const renditions = plan(
          data.resolutions.filter((r) => r.hls_playlist_file).map((r) => ({ height: r.resolution, videoKbps: videoConfig(settings).ladder.find((l) => l.height === r.resolution)?.videoKbps ?? 1500 })),
          { width: probed.width, height: Math.max(probed.height, ...data.resolutions.map((r) => r.resolution)) },
        );
        for (const r of renditions) {
          const id = data.resolutions.find((x) => x.resolution === r.height)?.id;
          await upsertResolution(tx, { id: id && isUuid(id) ? id : undefined, video_id: data.id, resolution: r.height, width: r.width, bitrate_kbps: r.videoKbps, playlist_path: `${publicVideoDir(data.id)}/${r.height}p/index.m3u8` });
        }
        await tx.updateTable('web_videos').set({ original_size: size, status: renditions.length ? 'ready' : 'queued', progress_permille: renditions.length ? 1000 : 0, preview_path: previewExt ? previewPathOf(data.id, previewExt) : null, poster_generated: false }).where('id', '=', data.id).execute();
      }
    });

    const result: ImportResult = { videos: [] };
    for (const { data, prefix, probed, original, previewExt } of prepared) {
      const target = privatePath(settings, `${ORIGINALS_DIR}/${data.id}${path.extname(data.original_file).toLowerCase() || '.mp4'}`);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(original, target);
      let count = 0;
      for (const r of data.resolutions) {
        if (!r.hls_playlist_file) continue;
        const folder = path.join(scratch, prefix, r.hls_playlist_file);
        const playlists = (await readdir(folder)).filter((f) => f.endsWith('.m3u8'));
        if (!playlists.includes('index.m3u8')) await rename(path.join(folder, playlists[0]!), path.join(folder, 'index.m3u8'));
        await publishDirectory(folder, publicPath(settings, `${publicVideoDir(data.id)}/${r.resolution}p`));
        count++;
      }
      if (data.preview_image && previewExt) {
        const previewTarget = publicPath(settings, previewPathOf(data.id, previewExt));
        await mkdir(path.dirname(previewTarget), { recursive: true });
        await rename(path.join(scratch, prefix, data.preview_image), previewTarget);
      }
      const published = await resolutionsOf(db, data.id);
      await writeAtomically(publicPath(settings, masterPlaylistPath(data.id)), masterPlaylist(published.map((r) => ({ height: r.resolution, width: r.width, videoKbps: r.bitrate_kbps })), probed.audioCodec !== null));
      result.videos.push({ id: data.id, title: data.title, resolutions: count });
    }
    return result;
  } finally {
    zip.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
