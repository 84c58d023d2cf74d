import type { Migration } from '../../core/db/migrator.js';
import { index, table } from './0001_website.js';

const cascade = (target: string) => (col: any) => col.references(`${target}.id`).onDelete('cascade');

/**
 * Self-hosted video and downloads (spec A.8, A.9): videos with their transcoding state, the published HLS
 * renditions, resumable uploads in progress, and the files sections offer for download.
 */
export const videoMigrations: Migration[] = [
  table('web_videos', '0060_videos', (t, c) =>
    t
      .addColumn('title', 'text', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('progress_permille', c.integer, (col) => col.notNull())
      .addColumn('progress_json', c.json, (col) => col.notNull())
      .addColumn('eta_seconds', c.integer)
      .addColumn('error', 'text')
      .addColumn('attempts', c.integer, (col) => col.notNull())
      .addColumn('content_hash', 'text', (col) => col.notNull())
      .addColumn('original_path', 'text', (col) => col.notNull())
      .addColumn('original_name', 'text', (col) => col.notNull())
      .addColumn('original_size', c.bigint, (col) => col.notNull())
      .addColumn('container', 'text', (col) => col.notNull())
      .addColumn('video_codec', 'text', (col) => col.notNull())
      .addColumn('audio_codec', 'text')
      .addColumn('duration_ms', c.integer, (col) => col.notNull())
      .addColumn('width', c.integer, (col) => col.notNull())
      .addColumn('height', c.integer, (col) => col.notNull())
      .addColumn('frame_rate', 'text', (col) => col.notNull())
      .addColumn('preview_path', 'text')
      .addColumn('poster_generated', c.boolean, (col) => col.notNull())
      .addColumn('queued_at', c.timestamp)
      .addColumn('started_at', c.timestamp)
      .addColumn('finished_at', c.timestamp)
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull()),
  ),
  index('0061_videos_content_hash', 'web_videos_content_hash_uq', 'web_videos', ['content_hash'], true),
  index('0062_videos_status', 'web_videos_status_idx', 'web_videos', ['status', 'queued_at']),
  table('web_video_resolutions', '0063_video_resolutions', (t, c) =>
    t
      .addColumn('video_id', c.uuid, (col) => cascade('web_videos')(col.notNull()))
      .addColumn('resolution', c.integer, (col) => col.notNull())
      .addColumn('width', c.integer, (col) => col.notNull())
      .addColumn('bitrate_kbps', c.integer, (col) => col.notNull())
      .addColumn('playlist_path', 'text', (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull()),
  ),
  index('0064_video_resolutions_uq', 'web_video_resolutions_uq', 'web_video_resolutions', ['video_id', 'resolution'], true),
  table('web_video_uploads', '0065_video_uploads', (t, c) =>
    t
      .addColumn('user_id', c.uuid, (col) => col.notNull())
      .addColumn('length', c.bigint, (col) => col.notNull())
      .addColumn('metadata', c.json, (col) => col.notNull())
      .addColumn('video_id', c.uuid)
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('expires_at', c.timestamp, (col) => col.notNull()),
  ),
  table('web_files', '0066_files', (t, c) =>
    t
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('path', 'text', (col) => col.notNull())
      .addColumn('original_name', 'text', (col) => col.notNull())
      .addColumn('size', c.bigint, (col) => col.notNull())
      .addColumn('content_type', 'text', (col) => col.notNull())
      .addColumn('content_hash', 'text', (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull()),
  ),
  index('0067_files_path', 'web_files_path_uq', 'web_files', ['path'], true),
];
