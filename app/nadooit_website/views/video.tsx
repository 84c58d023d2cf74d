import type { EmbedVideo } from '../services/videos.js';
import type { EmbedFile } from '../services/files.js';
import type { VideoStatusView } from '../services/video-status.js';
import { masterPlaylistPath, mediaUrl } from '../video/storage.js';
import { websiteAsset } from '../static-mount.js';
import { hlsAsset } from '../video/player-assets.js';

const STATUS_LABELS: Record<string, { de: string; en: string; badge: string }> = {
  queued: { de: 'Wartet', en: 'Queued', badge: 'secondary' },
  processing: { de: 'Wird umgewandelt', en: 'Transcoding', badge: 'primary' },
  ready: { de: 'Fertig', en: 'Ready', badge: 'success' },
  failed: { de: 'Fehlgeschlagen', en: 'Failed', badge: 'danger' },
};


function duration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return m ? `${m} min ${seconds % 60} s` : `${seconds} s`;
}

/**
 * The live transcoding state in the admin: status, overall and per-rendition progress, ETA and queue
 * position. While the video waits or is processed, htmx replaces the panel every two seconds.
 */
export function VideoStatusPanel({ language, view, href }: { language: 'de' | 'en'; view: VideoStatusView; href: string }): JSX.Element {
  const de = language === 'de';
  const label = STATUS_LABELS[view.status] ?? STATUS_LABELS.queued!;
  const live = view.status === 'queued' || view.status === 'processing';
  const percent = (view.permille / 10).toFixed(1);
  return (
    <section class="card mb-3" id="video-status" data-status={view.status} hx-get={live ? href : undefined} hx-trigger={live ? 'every 2s' : undefined} hx-swap="outerHTML">
      <div class="card-header d-flex justify-content-between align-items-center">
        <h2 class="h6 mb-0">{de ? 'Umwandlung' : 'Transcoding'}</h2>
        <span class={`badge text-bg-${label.badge}`} safe>
          {de ? label.de : label.en}
        </span>
      </div>
      <div class="card-body">
        <div class="d-flex align-items-center gap-2 mb-2">
          <progress class="flex-grow-1" value={String(view.permille)} max="1000" aria-label={de ? 'Fortschritt' : 'Progress'}></progress>
          <span class="small" safe>
            {percent} %
          </span>
        </div>
        <ul class="list-inline small mb-2">
          {Object.entries(view.perRendition).map(([height, permille]) => (
            <li class="list-inline-item" safe>
              {height}p: {(permille / 10).toFixed(0)} %
            </li>
          ))}
        </ul>
        <p class="small text-muted mb-0">
          {view.queuePosition && view.queuePosition > 0 ? <span safe>{de ? `Position in der Warteschlange: ${view.queuePosition}` : `Queue position: ${view.queuePosition}`}</span> : ''}
          {view.status === 'processing' && view.etaSeconds !== null ? <span safe>{de ? `Noch etwa ${duration(view.etaSeconds)}` : `About ${duration(view.etaSeconds)} left`}</span> : ''}
          {view.attempts > 1 ? <span safe>{de ? ` · Versuch ${view.attempts}` : ` · attempt ${view.attempts}`}</span> : ''}
        </p>
        {view.error ? (
          <pre class="alert alert-danger small mt-2 mb-0 text-wrap" safe>
            {view.error}
          </pre>
        ) : (
          ''
        )}
      </div>
    </section>
  );
}

/**
 * `{{ video }}`: a <video> on the master playlist with the poster; video-player.js (no inline code) attaches
 * hls.js where the browser has no native HLS, offers automatic and manual quality choice, and also wires
 * players that htmx inserts later.
 */
export function VideoPlayer({ video }: { video: EmbedVideo }): JSX.Element {
  return (
    <figure class="web-video">
      <video
        class="web-video-player w-100"
        controls
        poster={video.previewPath ? mediaUrl(video.previewPath) : undefined}
        data-hls-src={mediaUrl(masterPlaylistPath(video.id))}
        data-hls-script={hlsAsset('hls.light.min.js')}
        data-heights={video.heights.join(',')}
        aria-label={video.title}
      ></video>
      <div class="web-video-quality small mt-1" hidden>
        <label>
          Qualität{' '}
          <select class="form-select form-select-sm d-inline-block w-auto web-video-quality-select">
            <option value="-1">Auto</option>
          </select>
        </label>
      </div>
    </figure>
  );
}

/** The scripts a page with players needs (deferred, same-origin). */
export function VideoScripts(): JSX.Element {
  return <script src={websiteAsset('video-player.js')} defer></script>;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0).replace('.', ',')} ${units[unit]}`;
}

/** `{{ file }}`: the download card (name, size, type) of the original's file-card. */
export function FileCard({ file }: { file: EmbedFile }): JSX.Element {
  return (
    <div class="file-card card d-inline-block">
      <div class="card-body">
        <div class="fw-semibold" safe>
          {file.name}
        </div>
        <div class="small text-muted" safe>
          {size(file.size)} · {file.contentType}
        </div>
        <a class="download-button btn btn-primary btn-sm mt-2" href={mediaUrl(file.path)} download={file.originalName}>
          <i class="bi bi-download" aria-hidden="true"></i> Herunterladen
        </a>
      </div>
    </div>
  );
}

export function videoStatusHref(id: string): string {
  return `/admin/nadooit_website/videos/${id}/status`;
}

