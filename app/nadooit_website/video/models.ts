import { registerBooleanColumns } from '../../core/db/dialects/columns.js';

/** Where a video is in its life: waiting for the worker, being transcoded, playable, or given up on. */
export const VIDEO_STATUSES = ['queued', 'processing', 'ready', 'failed'] as const;
export type VideoStatus = (typeof VIDEO_STATUSES)[number];

/**
 * A self-hosted video (the original's Video). The original upload stays private under
 * MEDIA_ROOT/private/original_videos/; published renditions and the poster are public under videos/<id>/.
 */
export interface WebVideosTable {
  id: string;
  title: string;
  status: VideoStatus;
  /** Overall transcoding progress, 0–1000. */
  progress_permille: number;
  /** Per rendition: {"480": 1000, "720": 350} (permille), JSON. */
  progress_json: string;
  eta_seconds: number | null;
  /** ffmpeg's last words when an attempt failed (also while a retry is waiting). */
  error: string | null;
  attempts: number;
  /** sha256 of the original, hex: the same content uploaded twice is stored once. */
  content_hash: string;
  /** Relative to MEDIA_ROOT/private. */
  original_path: string;
  original_name: string;
  original_size: number;
  /** From ffprobe: container format, codecs, duration, frame size and rate ("30/1"). */
  container: string;
  video_codec: string;
  audio_codec: string | null;
  duration_ms: number;
  width: number;
  height: number;
  frame_rate: string;
  /** Public, relative to MEDIA_ROOT: the uploaded preview image or the poster frame taken from the middle. */
  preview_path: string | null;
  poster_generated: boolean;
  queued_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A published HLS rendition (the original's VideoResolution); only complete renditions get a row. */
export interface WebVideoResolutionsTable {
  id: string;
  video_id: string;
  /** Frame height, e.g. 480. */
  resolution: number;
  width: number;
  bitrate_kbps: number;
  /** Public, relative to MEDIA_ROOT: videos/<id>/<res>p/index.m3u8. */
  playlist_path: string;
  created_at: string;
}

/** A resumable (tus) upload in progress; its bytes are in MEDIA_ROOT/private/uploads/<id>. */
export interface WebVideoUploadsTable {
  id: string;
  user_id: string;
  length: number;
  /** The tus Upload-Metadata, decoded: {"filename": …, "title": …}, JSON. */
  metadata: string;
  /** Set once the upload became (or turned out to be) a video. */
  video_id: string | null;
  created_at: string;
  expires_at: string;
}

/** A download offered by a section at {{ file }} (the original's File); public under MEDIA_ROOT/uploads/. */
export interface WebFilesTable {
  id: string;
  name: string;
  /** Relative to MEDIA_ROOT: uploads/<id>/<sanitised original name>. */
  path: string;
  original_name: string;
  size: number;
  content_type: string;
  content_hash: string;
  created_at: string;
  updated_at: string;
}

declare module '../../core/db/schema.js' {
  interface Database {
    web_videos: WebVideosTable;
    web_video_resolutions: WebVideoResolutionsTable;
    web_video_uploads: WebVideoUploadsTable;
    web_files: WebFilesTable;
  }
}
registerBooleanColumns('poster_generated');
