import { rm } from 'node:fs/promises';
import { createdAt, relation, updatedAt } from '../core/admin/fields.js';
import { ActionError } from '../core/admin/types.js';
import type { AdminField, AdminResource, Text } from '../core/admin/types.js';
import { transaction } from '../core/db/transaction.js';
import { VIDEO_STATUSES } from './video/models.js';
import { deleteFileRows } from './services/files.js';
import { deleteVideoRows, requeueVideos } from './services/videos.js';
import { loadStatusView } from './services/video-status.js';
import { TRANSCODE_TASK, transcodeJobKey } from './video/transcode.js';
import { privatePath, publicPath, publicVideoDir } from './video/storage.js';
import { VideoStatusPanel, videoStatusHref } from './views/video.js';
import { videoExportHref, videoPreviewHref } from './views/video-admin.js';

const APP = 'nadooit_website';
/** Videos per exported archive: the selection travels in the download link. */
export const EXPORT_MAX = 100;
const appLabel: Text = { de: 'Webseite', en: 'Website' };
const ro = { readOnly: true } as const;
const field = (name: string, de: string, en: string, type: AdminField['type'] = 'text', extra: Partial<AdminField> = {}): AdminField => ({ name, label: { de, en }, type, readOnly: true, ...extra });

const statusChoices = VIDEO_STATUSES.map((value) => ({
  value,
  label: { queued: { de: 'Wartet', en: 'Queued' }, processing: { de: 'Wird umgewandelt', en: 'Transcoding' }, ready: { de: 'Fertig', en: 'Ready' }, failed: { de: 'Fehlgeschlagen', en: 'Failed' } }[value],
}));

/**
 * Videos: added through the resumable uploader at …/videos/add (a page of its own), then transcoded by the
 * worker; the detail page shows the live progress. Deleting removes the rows first and the files after
 * the commit (original, renditions, poster).
 */
export const videosResource: AdminResource = {
  app: APP,
  appLabel,
  name: 'videos',
  table: 'web_videos',
  label: { de: 'Video', en: 'Video' },
  labelPlural: { de: 'Videos', en: 'Videos' },
  title: { columns: ['title'] },
  help: { de: 'Neue Videos über „Hinzufügen“ hochladen (fortsetzbar); die Umwandlung läuft im Hintergrund.', en: 'Upload new videos with “Add” (resumable); transcoding runs in the background.' },
  fields: [
    { name: 'title', label: { de: 'Titel', en: 'Title' }, type: 'text', required: true, maxLength: 200 },
    field('status', 'Status', 'Status', 'choice', { choices: statusChoices }),
    field('progress_permille', 'Fortschritt (‰)', 'Progress (‰)', 'integer'),
    field('error', 'Fehler', 'Error', 'textarea'),
    field('attempts', 'Versuche', 'Attempts', 'integer'),
    field('original_name', 'Originaldatei', 'Original file'),
    field('original_size', 'Größe (Bytes)', 'Size (bytes)', 'integer'),
    field('container', 'Container', 'Container'),
    field('video_codec', 'Video-Codec', 'Video codec'),
    field('audio_codec', 'Audio-Codec', 'Audio codec'),
    field('duration_ms', 'Dauer (ms)', 'Duration (ms)', 'integer'),
    field('width', 'Breite', 'Width', 'integer'),
    field('height', 'Höhe', 'Height', 'integer'),
    field('content_hash', 'Inhalts-Hash (SHA-256)', 'Content hash (SHA-256)'),
    field('preview_path', 'Vorschaubild', 'Preview image'),
    createdAt(),
    updatedAt(),
  ],
  list: {
    columns: ['title', 'status', 'progress_permille', 'duration_ms', 'created_at'],
    filters: ['status', 'created_at'],
    search: ['title', 'original_name', { field: 'content_hash', mode: 'exact' }],
    ordering: { field: 'created_at', direction: 'desc' },
    sortable: ['created_at', 'title'],
  },
  inlines: [{ resource: `${APP}.video_resolutions`, field: 'video_id' }],
  actions: [
    {
      name: 'export_zip',
      label: { de: 'Als ZIP exportieren', en: 'Export as ZIP' },
      description: {
        de: 'Lädt die gewählten Videos mit Original, Vorschaubild und allen Auflösungen als ein ZIP-Archiv herunter (Aufbau mit video_data.json wie im alten System; über „Hinzufügen“ → „aus einem ZIP-Archiv importieren“ wieder einlesbar).',
        en: 'Downloads the chosen videos with original, preview image and every resolution as one ZIP archive (video_data.json layout as in the old system; imported again via “Add” → “import from a ZIP archive”).',
      },
      permission: 'view',
      async run(ctx, ids) {
        if (ids.length > EXPORT_MAX) throw new ActionError(ctx.language === 'de' ? `Höchstens ${EXPORT_MAX} Videos je Archiv.` : `At most ${EXPORT_MAX} videos per archive.`);
        return { redirect: videoExportHref(ids), message: ctx.language === 'de' ? `ZIP-Archiv mit ${ids.length} Video(s) heruntergeladen.` : `ZIP archive with ${ids.length} video(s) downloaded.` };
      },
    },
    {
      name: 'reprocess',
      label: { de: 'Neu umwandeln', en: 'Transcode again' },
      description: { de: 'Die Videos werden mit der aktuellen Leiter neu umgewandelt; die alten Fassungen bleiben abspielbar, bis die neuen fertig sind.', en: 'The videos are transcoded again with the current ladder; the old renditions keep playing until the new ones are ready.' },
      permission: 'change',
      async run(ctx, ids) {
        await requeueVideos(ctx.tx, ids);
        await transaction(ctx.tx, async (tx, hooks) => {
          for (const videoId of ids) await ctx.context.queue.enqueueWithin(tx, hooks, TRANSCODE_TASK, { videoId }, { uniqueKey: transcodeJobKey(videoId) });
        });
        return { message: ctx.language === 'de' ? `${ids.length} Video(s) eingeplant.` : `${ids.length} video(s) queued.` };
      },
    },
  ],
  hooks: {
    async create() {
      throw new ActionError('Videos werden über den Uploader hinzugefügt.');
    },
    async delete(ctx, ids) {
      const rows = await deleteVideoRows(ctx.tx, ids);
      const { settings } = ctx.context;
      await transaction(ctx.tx, async (_tx, hooks) => {
        hooks.afterCommit(async () => {
          for (const row of rows) {
            await rm(privatePath(settings, row.original_path), { force: true });
            await rm(publicPath(settings, publicVideoDir(row.id)), { recursive: true, force: true });
            if (row.preview_path && !row.poster_generated) await rm(publicPath(settings, row.preview_path), { force: true });
          }
        });
      });
    },
  },
  extra: async (db, row, d) => {
    const view = await loadStatusView(db, String(row.id));
    if (!view) return <></>;
    return (
      <>
        <VideoStatusPanel language={d.language} view={view} href={videoStatusHref(view.id)} />
        <p class="small">
          <a href={videoPreviewHref(view.id)}>{d.language === 'de' ? 'Vorschaubild ansehen oder ersetzen' : 'View or replace the preview image'}</a>
        </p>
      </>
    );
  },
};

export const videoResolutionsResource: AdminResource = {
  app: APP,
  appLabel,
  name: 'video_resolutions',
  table: 'web_video_resolutions',
  label: { de: 'Videoauflösung', en: 'Video resolution' },
  labelPlural: { de: 'Videoauflösungen', en: 'Video resolutions' },
  title: { columns: ['resolution'], format: (row) => `${row.resolution}p` },
  fields: [
    relation('video_id', { de: 'Video', en: 'Video' }, `${APP}.videos`, 'cascade', ro),
    field('resolution', 'Höhe (p)', 'Height (p)', 'integer'),
    field('width', 'Breite', 'Width', 'integer'),
    field('bitrate_kbps', 'Bitrate (kbit/s)', 'Bitrate (kbit/s)', 'integer'),
    field('playlist_path', 'Playlist', 'Playlist'),
    createdAt(),
  ],
  list: { columns: ['video_id', 'resolution', 'bitrate_kbps', 'created_at'], filters: ['video_id'], ordering: { field: 'created_at', direction: 'desc' }, search: ['video_id'] },
  allow: { add: false, change: false, delete: false },
  timestamps: 'created',
};

/** Downloads for {{ file }}: uploaded at …/files/add (a streamed form of its own); deleting removes the file. */
export const filesResource: AdminResource = {
  app: APP,
  appLabel,
  name: 'files',
  table: 'web_files',
  label: { de: 'Datei', en: 'File' },
  labelPlural: { de: 'Dateien', en: 'Files' },
  title: { columns: ['name'] },
  fields: [
    { name: 'name', label: { de: 'Name', en: 'Name' }, type: 'text', required: true, maxLength: 200 },
    field('original_name', 'Dateiname', 'File name'),
    field('size', 'Größe (Bytes)', 'Size (bytes)', 'integer'),
    field('content_type', 'Typ', 'Type'),
    field('path', 'Pfad', 'Path'),
    field('content_hash', 'Inhalts-Hash (SHA-256)', 'Content hash (SHA-256)'),
    createdAt(),
    updatedAt(),
  ],
  list: { columns: ['name', 'original_name', 'size', 'created_at'], search: ['name', 'original_name'], ordering: { field: 'created_at', direction: 'desc' }, sortable: ['created_at', 'name'] },
  hooks: {
    async create() {
      throw new ActionError('Dateien werden über das Upload-Formular hinzugefügt.');
    },
    async delete(ctx, ids) {
      const dirs = await deleteFileRows(ctx.tx, ids);
      const { settings } = ctx.context;
      await transaction(ctx.tx, async (_tx, hooks) => {
        hooks.afterCommit(async () => {
          for (const dir of dirs) await rm(publicPath(settings, dir), { recursive: true, force: true });
        });
      });
    },
  },
};

export const videoResources: AdminResource[] = [videosResource, videoResolutionsResource, filesResource];
