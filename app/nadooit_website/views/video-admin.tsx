import { AdminShell } from '../../core/admin/views/shell.js';
import type { PageContext } from '../../core/ui/page-context.js';
import { websiteAsset } from '../static-mount.js';
import { mediaUrl } from '../video/storage.js';

export const VIDEOS_ADMIN = '/admin/nadooit_website/videos/';
export const videoImportHref = `${VIDEOS_ADMIN}import`;
export const videoPreviewHref = (id: string) => `${VIDEOS_ADMIN}${id}/preview`;
/** The streamed ZIP of the given videos (the export action leads here). */
export const videoExportHref = (ids: string[]) => `${VIDEOS_ADMIN}export.zip?ids=${ids.join(',')}`;

export const FILES_ADMIN = '/admin/nadooit_website/files/';

const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);

function ErrorAlert({ error }: { error?: string }): JSX.Element {
  return error ? (
    <div class="alert alert-danger" role="alert" safe>
      {error}
    </div>
  ) : (
    <></>
  );
}

/** A labelled file input with an optional hint below it. */
function FileField({ id, label, accept, hint }: { id: string; label: string; accept?: string; hint?: string }): JSX.Element {
  return (
    <div class="mb-3">
      <label class="form-label" for={id} safe>
        {label}
      </label>
      <input class="form-control" id={id} name="file" type="file" accept={accept} required />
      {hint ? (
        <div class="form-text" safe>
          {hint}
        </div>
      ) : (
        ''
      )}
    </div>
  );
}

function SubmitButton({ label }: { label: string }): JSX.Element {
  return (
    <div>
      <button class="btn btn-primary" type="submit" safe>
        {label}
      </button>
    </div>
  );
}

/** The resumable uploader (static/video-upload.js speaks tus with UPLOADS_PATH). */
export function VideoUploadPage({ ctx, maxBytes, endpoint }: { ctx: PageContext; maxBytes: number; endpoint: string }): JSX.Element {
  const de = ctx.language === 'de';
  return (
    <AdminShell ctx={ctx} prefix="/admin" title={de ? 'Video hochladen' : 'Upload video'} crumbs={[{ label: 'Videos', href: VIDEOS_ADMIN }]} logoutUrl="/auth/logout">
      <form id="video-upload-form" class="card card-body" data-endpoint={endpoint} data-video-base={VIDEOS_ADMIN}>
        <div class="mb-3">
          <label class="form-label" for="video-title">
            {de ? 'Titel' : 'Title'}
          </label>
          <input class="form-control" id="video-title" name="title" maxlength="200" required />
        </div>
        <FileField
          id="video-file"
          label={de ? 'Videodatei' : 'Video file'}
          accept="video/*"
          hint={
            de
              ? `Höchstens ${megabytes(maxBytes)} MB. Bricht die Verbindung ab, setzt ein erneuter Start den Upload fort. Ein eigenes Vorschaubild lässt sich danach auf der Seite des Videos hochladen, sonst dient ein Standbild aus der Mitte.`
              : `At most ${megabytes(maxBytes)} MB. If the connection breaks, starting again resumes the upload. An own preview image can be uploaded on the video's page afterwards; otherwise a frame from the middle is used.`
          }
        />
        <progress id="video-upload-progress" class="w-100 mb-3" value="0" max="1000" hidden></progress>
        <SubmitButton label={de ? 'Hochladen' : 'Upload'} />
        <div id="video-upload-message" role="status" hidden></div>
      </form>
      <p class="mt-3 small">
        <a href={videoImportHref}>{de ? 'Videos aus einem ZIP-Archiv importieren' : 'Import videos from a ZIP archive'}</a>
      </p>
      <script src={websiteAsset('video-upload.js')} defer></script>
    </AdminShell>
  );
}

/** A download for {{ file }}: a plain multipart form, streamed to disk by the route. */
export function FileUploadPage({ ctx, error }: { ctx: PageContext; error?: string }): JSX.Element {
  const de = ctx.language === 'de';
  return (
    <AdminShell ctx={ctx} prefix="/admin" title={de ? 'Datei hochladen' : 'Upload file'} crumbs={[{ label: de ? 'Dateien' : 'Files', href: FILES_ADMIN }]} logoutUrl="/auth/logout">
      <ErrorAlert error={error} />
      <form class="card card-body" method="post" action={`${FILES_ADMIN}add`} enctype="multipart/form-data">
        <input type="hidden" name="csrfmiddlewaretoken" value={ctx.csrfToken} />
        <div class="mb-3">
          <label class="form-label" for="file-name">
            Name
          </label>
          <input class="form-control" id="file-name" name="name" maxlength="200" required />
        </div>
        <FileField id="file-file" label={de ? 'Datei' : 'File'} />
        <SubmitButton label={de ? 'Hochladen' : 'Upload'} />
      </form>
    </AdminShell>
  );
}

/** Upload of a ZIP in the video_data.json layout; the archive is checked as a whole before anything is written. */
export function VideoImportPage({ ctx, maxBytes, error }: { ctx: PageContext; maxBytes: number; error?: string }): JSX.Element {
  const de = ctx.language === 'de';
  return (
    <AdminShell ctx={ctx} prefix="/admin" title={de ? 'Videos aus ZIP importieren' : 'Import videos from ZIP'} crumbs={[{ label: 'Videos', href: VIDEOS_ADMIN }]} logoutUrl="/auth/logout">
      <ErrorAlert error={error} />
      <form class="card card-body" method="post" action={videoImportHref} enctype="multipart/form-data">
        <input type="hidden" name="csrfmiddlewaretoken" value={ctx.csrfToken} />
        <p class="text-muted">
          {de
            ? 'Ein Archiv wie es „Als ZIP exportieren“ oder das alte System schreibt: video_data.json, Original, Vorschaubild und ein Ordner je Auflösung. Enthält es Unerwartetes (Pfade mit .., absolute Pfade, Verknüpfungen, fremde Dateien), wird es ganz abgelehnt und nichts geschrieben.'
            : 'An archive as “Export as ZIP” or the old system writes it: video_data.json, the original, the preview image and one folder per resolution. Anything unexpected (paths with .., absolute paths, links, other files) refuses it as a whole; nothing is written.'}
        </p>
        <FileField id="video-import-file" label={de ? 'ZIP-Archiv' : 'ZIP archive'} accept=".zip,application/zip" hint={de ? `Höchstens ${megabytes(maxBytes)} MB.` : `At most ${megabytes(maxBytes)} MB.`} />
        <SubmitButton label={de ? 'Importieren' : 'Import'} />
      </form>
    </AdminShell>
  );
}

/** An own preview image for one video, in place of the poster frame the worker took from the middle. */
export function VideoPreviewPage({ ctx, video, maxBytes, error }: { ctx: PageContext; video: { id: string; title: string; previewPath: string | null; generated: boolean }; maxBytes: number; error?: string }): JSX.Element {
  const de = ctx.language === 'de';
  const detail = `${VIDEOS_ADMIN}${video.id}/`;
  return (
    <AdminShell ctx={ctx} prefix="/admin" title={de ? 'Vorschaubild' : 'Preview image'} crumbs={[{ label: 'Videos', href: VIDEOS_ADMIN }, { label: video.title, href: detail }]} logoutUrl="/auth/logout">
      <ErrorAlert error={error} />
      <div class="card card-body">
        {video.previewPath ? (
          <figure>
            <img class="img-fluid border" src={mediaUrl(video.previewPath)} alt={de ? 'Aktuelles Vorschaubild' : 'Current preview image'} width="320" />
            <figcaption class="small text-muted">
              {video.generated ? (de ? 'Standbild aus der Mitte des Videos' : 'Frame from the middle of the video') : de ? 'Eigenes Vorschaubild' : 'Own preview image'}
            </figcaption>
          </figure>
        ) : (
          <p class="text-muted">
            {de ? 'Noch kein Vorschaubild: die Umwandlung nimmt ein Standbild aus der Mitte des Videos.' : 'No preview image yet: transcoding takes a frame from the middle of the video.'}
          </p>
        )}
        <form method="post" action={videoPreviewHref(video.id)} enctype="multipart/form-data">
          <input type="hidden" name="csrfmiddlewaretoken" value={ctx.csrfToken} />
          <FileField
            id="video-preview-file"
            label={de ? 'Eigenes Vorschaubild' : 'Own preview image'}
            accept="image/jpeg,image/png,image/webp"
            hint={de ? `JPEG, PNG oder WebP, höchstens ${megabytes(maxBytes)} MB.` : `JPEG, PNG or WebP, at most ${megabytes(maxBytes)} MB.`}
          />
          <SubmitButton label={de ? 'Hochladen' : 'Upload'} />
        </form>
      </div>
    </AdminShell>
  );
}
