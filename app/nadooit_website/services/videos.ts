import { randomUUID } from 'node:crypto';
import type { Tx } from '../../core/db/transaction.js';
import type { DB } from '../../core/db/connection.js';
import type { Probe } from '../video/ffmpeg.js';
import type { VideoStatus, WebVideoResolutionsTable, WebVideosTable } from '../video/models.js';
import '../video/models.js';

/** Every statement on web_videos, web_video_resolutions and web_video_uploads. */

const now = () => new Date().toISOString();

export type VideoRow = WebVideosTable;
export type ResolutionRow = WebVideoResolutionsTable;

export interface NewVideo {
  id: string;
  title: string;
  contentHash: string;
  originalPath: string;
  originalName: string;
  originalSize: number;
  probe: Probe;
}

export async function insertVideo(tx: Tx, v: NewVideo): Promise<void> {
  const at = now();
  await tx
    .insertInto('web_videos')
    .values({
      id: v.id,
      title: v.title.slice(0, 200),
      status: 'queued',
      progress_permille: 0,
      progress_json: '{}',
      eta_seconds: null,
      error: null,
      attempts: 0,
      content_hash: v.contentHash,
      original_path: v.originalPath,
      original_name: v.originalName.slice(0, 255),
      original_size: v.originalSize,
      container: v.probe.container,
      video_codec: v.probe.videoCodec,
      audio_codec: v.probe.audioCodec,
      duration_ms: v.probe.durationMs,
      width: v.probe.width,
      height: v.probe.height,
      frame_rate: v.probe.frameRate,
      preview_path: null,
      poster_generated: false,
      queued_at: at,
      started_at: null,
      finished_at: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
}

export async function findVideo(db: Tx, id: string): Promise<VideoRow | undefined> {
  return db.selectFrom('web_videos').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findVideoByHash(db: Tx, contentHash: string): Promise<Pick<VideoRow, 'id' | 'title'> | undefined> {
  return db.selectFrom('web_videos').select(['id', 'title']).where('content_hash', '=', contentHash).executeTakeFirst();
}

export async function resolutionsOf(db: Tx, videoId: string): Promise<ResolutionRow[]> {
  return db.selectFrom('web_video_resolutions').selectAll().where('video_id', '=', videoId).orderBy('resolution').execute();
}

/** Marks videos for another transcoding run (re-process on demand); the queue job is the caller's. */
export async function requeueVideos(tx: Tx, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const at = now();
  await tx
    .updateTable('web_videos')
    .set({ status: 'queued', progress_permille: 0, progress_json: '{}', eta_seconds: null, error: null, attempts: 0, queued_at: at, started_at: null, finished_at: null, updated_at: at })
    .where('id', 'in', ids)
    .execute();
}

export async function startAttempt(db: Tx, id: string): Promise<void> {
  const at = now();
  const row = await db.selectFrom('web_videos').select('attempts').where('id', '=', id).executeTakeFirstOrThrow();
  await db.updateTable('web_videos').set({ status: 'processing', attempts: row.attempts + 1, started_at: at, updated_at: at }).where('id', '=', id).execute();
}

export async function setProgress(db: Tx, id: string, progress: { permille: number; perRendition: Record<string, number>; etaSeconds: number | null }): Promise<void> {
  await db
    .updateTable('web_videos')
    .set({ progress_permille: Math.max(0, Math.min(1000, Math.round(progress.permille))), progress_json: JSON.stringify(progress.perRendition), eta_seconds: progress.etaSeconds, updated_at: now() })
    .where('id', '=', id)
    .execute();
}

export async function setPreview(db: Tx, id: string, previewPath: string | null, generated: boolean): Promise<void> {
  await db.updateTable('web_videos').set({ preview_path: previewPath, poster_generated: generated, updated_at: now() }).where('id', '=', id).execute();
}

/** The worker's poster frame becomes the preview only while the video has none (an own one uploaded meanwhile wins). */
export async function setGeneratedPoster(db: Tx, id: string, posterPath: string): Promise<void> {
  await db.updateTable('web_videos').set({ preview_path: posterPath, poster_generated: true, updated_at: now() }).where('id', '=', id).where('preview_path', 'is', null).execute();
}

/** Records a published rendition (replacing an earlier one of the same height). */
export async function upsertResolution(db: Tx, r: Omit<ResolutionRow, 'id' | 'created_at'> & { id?: string }): Promise<void> {
  const at = now();
  await db
    .insertInto('web_video_resolutions')
    .values({ id: r.id ?? randomUUID(), video_id: r.video_id, resolution: r.resolution, width: r.width, bitrate_kbps: r.bitrate_kbps, playlist_path: r.playlist_path, created_at: at })
    .onConflict((oc) => oc.columns(['video_id', 'resolution']).doUpdateSet({ width: r.width, bitrate_kbps: r.bitrate_kbps, playlist_path: r.playlist_path, created_at: at }))
    .execute();
}

export async function deleteResolutions(db: Tx, videoId: string, heights: number[]): Promise<void> {
  if (!heights.length) return;
  await db.deleteFrom('web_video_resolutions').where('video_id', '=', videoId).where('resolution', 'in', heights).execute();
}

export async function finishVideo(db: Tx, id: string, status: Extract<VideoStatus, 'ready' | 'failed' | 'queued'>, error: string | null): Promise<void> {
  const at = now();
  const values: Partial<VideoRow> = { status, error, eta_seconds: null, updated_at: at };
  if (status === 'ready') Object.assign(values, { progress_permille: 1000, finished_at: at });
  if (status === 'failed') values.finished_at = at;
  await db.updateTable('web_videos').set(values).where('id', '=', id).execute();
}

/** 1 for the next video the worker takes, 0 while it is being processed, null when it is not waiting. */
export async function queuePosition(db: Tx, video: Pick<VideoRow, 'status' | 'queued_at'>): Promise<number | null> {
  if (video.status === 'processing') return 0;
  if (video.status !== 'queued' || !video.queued_at) return null;
  const ahead = await db
    .selectFrom('web_videos')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'queued')
    .where('queued_at', '<', video.queued_at)
    .executeTakeFirstOrThrow();
  return Number(ahead.n) + 1;
}

export async function deleteVideoRows(tx: Tx, ids: string[]): Promise<VideoRow[]> {
  if (!ids.length) return [];
  const rows = await tx.selectFrom('web_videos').selectAll().where('id', 'in', ids).execute();
  await tx.updateTable('web_sections').set({ video_id: null }).where('video_id', 'in', ids).execute();
  await tx.deleteFrom('web_videos').where('id', 'in', ids).execute();
  return rows;
}

/** What a page needs to embed videos: ready or partly published ones with at least one rendition. */
export interface EmbedVideo {
  id: string;
  title: string;
  previewPath: string | null;
  heights: number[];
}

export async function embeddableVideos(db: Tx, ids: string[]): Promise<Map<string, EmbedVideo>> {
  const out = new Map<string, EmbedVideo>();
  const unique = [...new Set(ids)];
  if (!unique.length) return out;
  const videos = await db.selectFrom('web_videos').select(['id', 'title', 'preview_path']).where('id', 'in', unique).execute();
  const renditions = await db.selectFrom('web_video_resolutions').select(['video_id', 'resolution']).where('video_id', 'in', unique).orderBy('resolution').execute();
  for (const v of videos) {
    const heights = renditions.filter((r) => r.video_id === v.id).map((r) => r.resolution);
    if (heights.length) out.set(v.id, { id: v.id, title: v.title, previewPath: v.preview_path, heights });
  }
  return out;
}

export async function allVideoIds(db: DB): Promise<string[]> {
  return (await db.selectFrom('web_videos').select('id').orderBy('created_at').execute()).map((r) => r.id);
}

/** The ids of all videos (the cleanup keeps their derivatives). */
export async function knownVideoIds(db: DB): Promise<Set<string>> {
  const rows = await db.selectFrom('web_videos').select('id').execute();
  return new Set(rows.map((r) => r.id));
}

export async function processingVideoIds(db: DB): Promise<Set<string>> {
  const rows = await db.selectFrom('web_videos').select('id').where('status', '=', 'processing').execute();
  return new Set(rows.map((r) => r.id));
}

// ---- resumable uploads -------------------------------------------------------------------------------

export async function createUploadRow(db: Tx, u: { id: string; userId: string; length: number; metadata: Record<string, string>; ttlMs: number }): Promise<void> {
  const at = new Date();
  await db
    .insertInto('web_video_uploads')
    .values({ id: u.id, user_id: u.userId, length: u.length, metadata: JSON.stringify(u.metadata), video_id: null, created_at: at.toISOString(), expires_at: new Date(at.getTime() + u.ttlMs).toISOString() })
    .execute();
}

export async function findUpload(db: Tx, id: string) {
  return db.selectFrom('web_video_uploads').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function setUploadVideo(db: Tx, id: string, videoId: string): Promise<void> {
  await db.updateTable('web_video_uploads').set({ video_id: videoId }).where('id', '=', id).execute();
}

export async function deleteUploadRow(db: Tx, id: string): Promise<void> {
  await db.deleteFrom('web_video_uploads').where('id', '=', id).execute();
}

export async function uploadIds(db: Tx): Promise<Set<string>> {
  const rows = await db.selectFrom('web_video_uploads').select('id').execute();
  return new Set(rows.map((r) => r.id));
}

export async function expiredUploads(db: Tx, at: string): Promise<string[]> {
  const rows = await db.selectFrom('web_video_uploads').select('id').where('expires_at', '<', at).where('video_id', 'is', null).execute();
  return rows.map((r) => r.id);
}
