import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { LegacyValueError, legacyOptionalText, legacyText, legacyUuid } from '../core/legacy/values.js';
import { tableImport } from '../core/legacy/step.js';
import type { LegacyImportContext, LegacyImportStep } from '../core/legacy/step.js';
import { NotAVideo, probe } from './video/ffmpeg.js';
import { ORIGINALS_DIR, PUBLIC_DOWNLOADS_DIR, privatePath, publicPath } from './video/storage.js';
import { TRANSCODE_TASK, transcodeJobKey } from './video/transcode.js';
import { sha256File } from './services/video-intake.js';
import './video/models.js';

/**
 * Videos and downloads of the original. Their rows are taken over always (sections refer to them by id); the
 * files come from the original's MEDIA_ROOT when the operator gives it (`--media`). A video whose original file
 * is there is copied to the private originals, checked with ffprobe and queued for transcoding (the worker
 * makes this system's HLS ladder; the original's renditions are not reused). A download is copied to the same
 * relative path under this MEDIA_ROOT. Without the file a video is kept as failed with the reason, a download
 * with size 0, and the report says which file to bring.
 */

const T = { video: 'nadooit_website_video', resolution: 'nadooit_website_videoresolution', file: 'nadooit_website_file' } as const;

const CONTENT_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.mp4': 'video/mp4',
};

const contentTypeOf = (file: string) => CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

/** This system's MEDIA_ROOT, which media files are copied into. */
function media(context: LegacyImportContext): { mediaRoot: string } {
  if (!context.settings) throw new LegacyValueError('no MEDIA_ROOT is configured to copy the media file into');
  return context.settings;
}

/** A media path of the original: relative, inside MEDIA_ROOT, plain characters only. */
function mediaPath(value: unknown, what: string): string {
  const text = legacyText(value, what).trim();
  const parts = text.split('/');
  if (!text || text.startsWith('/') || text.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..') || !/^[\w ./()+@,-]+$/.test(text)) {
    throw new LegacyValueError(`${what} is not a plain path inside the media folder: ${JSON.stringify(text)}`);
  }
  return text;
}

/** The original's file under --media, when given and present. */
async function legacyFile(context: LegacyImportContext, relative: string): Promise<string | null> {
  if (!context.mediaDir) return null;
  const file = path.join(context.mediaDir, relative);
  const info = await stat(file).catch(() => null);
  return info?.isFile() ? file : null;
}

function missingNote(context: LegacyImportContext, what: string, relative: string): string {
  return context.mediaDir ? `${what}: ${relative} is not in ${context.mediaDir}` : `${what}: give the original's media folder (--media) to copy ${relative}`;
}

/** Copies unless this is a dry run (then nothing outside the database is touched either). */
async function copyInto(context: LegacyImportContext, from: string, to: string): Promise<void> {
  if (context.dryRun) return;
  await mkdir(path.dirname(to), { recursive: true });
  await copyFile(from, to);
}

async function videoRow(row: Record<string, unknown>, context: LegacyImportContext): Promise<Record<string, unknown>> {
  const id = legacyUuid(row.id);
  const title = legacyText(row.title, 'title').slice(0, 200);
  const original = mediaPath(row.original_file, 'original_file');
  const existing = await context.tx.selectFrom('web_videos').select(['status', 'error', 'content_hash']).where('id', '=', id).executeTakeFirst();
  if (existing && !existing.content_hash.startsWith('missing:')) return { ...existingVideo(existing), id, title };
  const at = context.now;
  const base = { id, title, original_name: path.basename(original), preview_path: null, poster_generated: false, attempts: 0, progress_permille: 0, progress_json: '{}', eta_seconds: null, started_at: null, finished_at: null, created_at: at, updated_at: at };
  const source = await legacyFile(context, original);
  const missing = { ...base, status: 'failed', error: `Originaldatei fehlt (${original}): mit import_django --media erneut importieren oder neu hochladen.`, content_hash: `missing:${id}`, original_path: '', original_size: 0, container: '', video_codec: '', audio_codec: null, duration_ms: 0, width: 0, height: 0, frame_rate: '', queued_at: null };
  if (!source) {
    context.report.outcome('web_videos').notes.push(missingNote(context, `video ${id}`, original));
    return missing;
  }
  let probed;
  try {
    probed = await probe(source);
  } catch (error) {
    if (!(error instanceof NotAVideo)) throw error;
    throw new LegacyValueError(`${original}: ${error.message}`);
  }
  const originalPath = `${ORIGINALS_DIR}/${id}${path.extname(original).toLowerCase() || '.mp4'}`;
  await copyInto(context, source, privatePath(media(context), originalPath));
  await context.enqueue(TRANSCODE_TASK, { videoId: id }, { uniqueKey: transcodeJobKey(id) });
  return {
    ...base,
    status: 'queued',
    error: null,
    content_hash: await sha256File(source),
    original_path: originalPath,
    original_size: (await stat(source)).size,
    container: probed.container,
    video_codec: probed.videoCodec,
    audio_codec: probed.audioCodec,
    duration_ms: probed.durationMs,
    width: probed.width,
    height: probed.height,
    frame_rate: probed.frameRate,
    queued_at: at,
  };
}

/** A video that already has its original here: only the title follows the original; transcoding state is ours. */
function existingVideo(existing: { status: string; error: string | null; content_hash: string }): Record<string, unknown> {
  return { status: existing.status, error: existing.error, content_hash: existing.content_hash };
}

const videos = tableImport({
  legacyTable: T.video,
  target: 'web_videos',
  map: videoRow,
  insertOnly: ['created_at', 'updated_at', 'preview_path', 'poster_generated', 'attempts', 'progress_permille', 'progress_json', 'eta_seconds', 'started_at', 'finished_at', 'original_name'],
});

/** The original's renditions are not reused: the worker makes this system's ladder from the original file. */
const renditions: LegacyImportStep = {
  target: 'web_video_resolutions',
  reads: [T.resolution],
  async run(context) {
    const outcome = context.report.outcome('web_video_resolutions');
    for await (const row of context.source.rows(T.resolution)) {
      outcome.read++;
      outcome.skipped.push({ legacyTable: T.resolution, legacyId: String(row.id), reason: 'renditions are made anew from the original video by the worker (H.264 HLS ladder)' });
    }
  },
};

async function fileRow(row: Record<string, unknown>, context: LegacyImportContext): Promise<Record<string, unknown>> {
  const id = legacyUuid(row.file_id, 'file_id');
  const relative = mediaPath(row.file, 'file');
  if (!relative.startsWith(`${PUBLIC_DOWNLOADS_DIR}/`)) throw new LegacyValueError(`file ${relative} is not under ${PUBLIC_DOWNLOADS_DIR}/, where downloads are served from`);
  const name = (legacyOptionalText(row.name, 'name') ?? path.basename(relative)).slice(0, 200);
  const base = { id, name, path: relative, original_name: path.basename(relative), content_type: contentTypeOf(relative), created_at: context.now, updated_at: context.now };
  const source = await legacyFile(context, relative);
  if (!source) {
    const existing = await context.tx.selectFrom('web_files').select(['size', 'content_hash']).where('id', '=', id).executeTakeFirst();
    if (existing?.content_hash) return { ...base, size: existing.size, content_hash: existing.content_hash };
    context.report.outcome('web_files').notes.push(missingNote(context, `download ${id}`, relative));
    return { ...base, size: 0, content_hash: '' };
  }
  await copyInto(context, source, publicPath(media(context), relative));
  return { ...base, size: (await stat(source)).size, content_hash: await sha256File(source) };
}

const files = tableImport({ legacyTable: T.file, target: 'web_files', legacyKey: 'file_id', map: fileRow, insertOnly: ['created_at', 'updated_at'] });

export const mediaLegacySteps: LegacyImportStep[] = [videos, renditions, files];
