import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../core/app-module.js';
import { staffAccess } from '../core/admin/access.js';
import type { AdminResource, Permission } from '../core/admin/types.js';
import { transaction } from '../core/db/transaction.js';
import { HttpError, forbidden, notFound } from '../core/http/errors.js';
import { isUuid } from '../core/ids.js';
import { pageContext } from '../core/ui/page-context.js';
import { requireStaff } from '../nadooit_auth/guards.js';
import { EXPORT_MAX, filesResource, videosResource } from './admin-video.js';
import { storeFile } from './services/files.js';
import { findVideo } from './services/videos.js';
import { loadStatusView } from './services/video-status.js';
import { videoConfig } from './video/settings.js';
import { privatePath } from './video/storage.js';
import { UPLOADS_PATH, tusRoutes } from './video/tus.js';
import { VideoStatusPanel, videoStatusHref } from './views/video.js';
import { FILES_ADMIN, FileUploadPage, VIDEOS_ADMIN, VideoImportPage, VideoPreviewPage, VideoUploadPage, videoImportHref } from './views/video-admin.js';
import { BadPreview, PREVIEW_MAX_BYTES, replacePreview } from './video/preview.js';
import { BadArchive, exportVideos, importLimits, importVideos } from './video/zip.js';


/** Staff with the admin permission on the resource — the same rule the generated admin applies. */
async function authorise(context: AppContext, request: FastifyRequest, resource: AdminResource, permission: Permission): Promise<string> {
  const user = requireStaff(request);
  const access = await staffAccess(context.db.kysely, user);
  if (!access.holds(resource, permission)) throw forbidden(request.t('admin.forbidden'));
  return user.id;
}

/** The file part of a streamed form, in a private temp file. */
interface Upload {
  temp: string;
  filename: string;
  mimetype: string;
  size: number;
  truncated: boolean;
}

/** A multipart form whose file part is streamed to a private temp file (never buffered); fields become the body. */
async function streamedForm(request: FastifyRequest, tempDir: string, maxBytes: number): Promise<void> {
  if (!request.isMultipart()) return;
  const body: Record<string, unknown> = {};
  request.body = body; // set first, so the temp file is removed after the response even when reading fails
  for await (const part of request.parts({ limits: { fileSize: maxBytes, files: 1, fields: 10 }})) {
    if (part.type === 'file') {
      await mkdir(tempDir, { recursive: true });
      const upload: Upload = { temp: path.join(tempDir, randomUUID()), filename: part.filename, mimetype: part.mimetype, size: 0, truncated: false };
      body.file = upload;
      const out = createWriteStream(upload.temp);
      await pipeline(part.file, out);
      upload.size = out.bytesWritten;
      upload.truncated = part.file.truncated;
    } else body[part.fieldname] = String(part.value);
  }
}

/** The form's file, or the reason there is none to use (shown on the form). */
function uploaded(request: FastifyRequest, maxBytes: number): Upload {
  const de = request.language === 'de';
  const file = (request.body as { file?: Upload } | undefined)?.file;
  if (!file || !file.filename) throw new HttpError(400, 'no_file', de ? 'Bitte eine Datei wählen.' : 'Please choose a file.');
  if (file.truncated) throw new HttpError(413, 'too_large', de ? `Die Datei ist größer als ${Math.round(maxBytes / 1024 / 1024)} MB.` : `The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.`);
  return file;
}

/** A refusal the form shows next to its fields (bad input), as opposed to errors the app's error page handles. */
function formRefusal(error: unknown): { status: number; message: string } | undefined {
  if (error instanceof BadArchive) return { status: 422, message: error.message };
  if (error instanceof BadPreview) return { status: 422, message: error.message };
  if (error instanceof HttpError && error.statusCode < 500 && error.statusCode !== 403 && error.statusCode !== 401) return { status: error.statusCode, message: error.message };
  return undefined;
}

const EXPORT_CONTENT_DISPOSITION = (name: string) => `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

export async function videoRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  const { settings } = context;
  const db = () => context.db.kysely;
  await tusRoutes(app, context, { authorise: (request) => authorise(context, request, videosResource, 'add') });

  app.get(`${VIDEOS_ADMIN}add`, async (request, reply) => {
    await authorise(context, request, videosResource, 'add');
    return reply.html(<VideoUploadPage ctx={await pageContext(request, { forms: true })} maxBytes={videoConfig(settings).maxUploadBytes} endpoint={UPLOADS_PATH} />);
  });

  app.get(`${VIDEOS_ADMIN}:id/status`, async (request, reply) => {
    await authorise(context, request, videosResource, 'view');
    const { id } = request.params as { id: string };
    const view = isUuid(id) ? await loadStatusView(db(), id) : undefined;
    if (!view) throw notFound();
    return reply.html(<VideoStatusPanel language={request.language} view={view} href={videoStatusHref(view.id)} />);
  });

  /** The ZIP the export action leads to, streamed while it is written (the same code as `manage export_videos`). */
  app.get(`${VIDEOS_ADMIN}export.zip`, async (request, reply) => {
    await authorise(context, request, videosResource, 'view');
    const ids = exportSelection((request.query as { ids?: unknown }).ids);
    if (!ids.length) throw new HttpError(400, 'bad_request', request.language === 'de' ? 'Keine Videos gewählt.' : 'No videos chosen.');
    const { stream, fileName, count } = await exportVideos(context, ids);
    if (!count) throw notFound();
    return reply.header('content-type', 'application/zip').header('content-disposition', EXPORT_CONTENT_DISPOSITION(fileName)).header('cache-control', 'private, no-store').send(stream);
  });

  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, { throwFileSizeLimit: false }); // an oversized file is cut off and refused on the form
    const tempDir = privatePath(settings, 'tmp');
    /** Who may send each streamed form and how large its file may be: checked before a byte of the file is stored. */
    const forms = new Map<string, { resource: AdminResource; permission: Permission; maxBytes: () => number }>([
      [`${FILES_ADMIN}add`, { resource: filesResource, permission: 'add', maxBytes: () => videoConfig(settings).maxUploadBytes }],
      [videoImportHref, { resource: videosResource, permission: 'add', maxBytes: () => importLimits(settings).maxTotalBytes }],
      [`${VIDEOS_ADMIN}:id/preview`, { resource: videosResource, permission: 'change', maxBytes: () => PREVIEW_MAX_BYTES }],
    ]);
    const formOf = (request: FastifyRequest) => forms.get(request.routeOptions.url ?? '')!;
    scope.addHook('preValidation', async (request) => {
      const form = forms.get(request.routeOptions.url ?? '');
      if (request.method !== 'POST' || !form) return;
      await authorise(context, request, form.resource, form.permission);
      await streamedForm(request, tempDir, form.maxBytes());
    });
    // The temp file goes whatever happened: used, refused (CSRF, validation) or the connection was cut;
    // before the answer is sent (the handler is done with it), and once more should sending fail.
    const removeTemp = async (request: FastifyRequest) => {
      const file = (request.body as { file?: Upload } | undefined)?.file;
      if (file) await rm(file.temp, { force: true });
    };
    scope.addHook('onSend', async (request) => removeTemp(request));
    scope.addHook('onResponse', removeTemp);

    scope.get(`${FILES_ADMIN}add`, async (request, reply) => {
      await authorise(context, request, filesResource, 'add');
      return reply.html(<FileUploadPage ctx={await pageContext(request, { forms: true })} />);
    });

    scope.post(`${FILES_ADMIN}add`, async (request, reply) => {
      const body = (request.body ?? {}) as { name?: string };
      try {
        const upload = uploaded(request, formOf(request).maxBytes());
        const id = await transaction(db(), (tx) =>
          storeFile(tx, settings, { name: body.name ?? '', originalName: upload.filename, contentType: upload.mimetype, stream: createReadStream(upload.temp), maxBytes: videoConfig(settings).maxUploadBytes }),
        );
        return reply.redirect(`${FILES_ADMIN}${id}/`, 303);
      } catch (error) {
        const refusal = formRefusal(error);
        if (refusal) return reply.html(<FileUploadPage ctx={await pageContext(request, { forms: true })} error={refusal.message} />, refusal.status);
        throw error;
      }
    });

    scope.get(videoImportHref, async (request, reply) => {
      await authorise(context, request, videosResource, 'add');
      return reply.html(<VideoImportPage ctx={await pageContext(request, { forms: true })} maxBytes={importLimits(settings).maxTotalBytes} />);
    });

    /** The same checked import as `manage import_videos`: a bad archive is refused as a whole, nothing written. */
    scope.post(videoImportHref, async (request, reply) => {
      const de = request.language === 'de';
      try {
        const upload = uploaded(request, formOf(request).maxBytes());
        const result = await importVideos(context, upload.temp, { limits: importLimits(settings) });
        const list = result.videos.map((v) => `„${v.title}“ (${v.resolutions} ${de ? 'Auflösung(en)' : 'resolution(s)'})`).join(', ');
        await request.flash('success', de ? `${result.videos.length} Video(s) importiert: ${list}.` : `${result.videos.length} video(s) imported: ${list}.`);
        return reply.redirect(VIDEOS_ADMIN, 303);
      } catch (error) {
        const refusal = formRefusal(error);
        if (!refusal) throw error;
        const message = error instanceof BadArchive ? (de ? `Archiv abgelehnt, nichts wurde geschrieben: ${refusal.message}` : `Archive refused, nothing was written: ${refusal.message}`) : refusal.message;
        return reply.html(<VideoImportPage ctx={await pageContext(request, { forms: true })} maxBytes={importLimits(settings).maxTotalBytes} error={message} />, refusal.status);
      }
    });

    const previewPage = async (request: FastifyRequest, error?: string) => {
      const { id } = request.params as { id: string };
      const video = isUuid(id) ? await findVideo(db(), id) : undefined;
      if (!video) throw notFound();
      const view = { id: video.id, title: video.title, previewPath: video.preview_path, generated: video.poster_generated };
      return <VideoPreviewPage ctx={await pageContext(request, { forms: true })} video={view} maxBytes={PREVIEW_MAX_BYTES} error={error} />;
    };

    scope.get(`${VIDEOS_ADMIN}:id/preview`, async (request, reply) => {
      await authorise(context, request, videosResource, 'change');
      return reply.html(await previewPage(request));
    });

    scope.post(`${VIDEOS_ADMIN}:id/preview`, async (request, reply) => {
      const { id } = request.params as { id: string };
      try {
        if (!isUuid(id)) throw notFound();
        await replacePreview(context, id, uploaded(request, PREVIEW_MAX_BYTES));
        await request.flash('success', request.language === 'de' ? 'Das Vorschaubild wurde ersetzt.' : 'The preview image was replaced.');
        return reply.redirect(`${VIDEOS_ADMIN}${id}/`, 303);
      } catch (error) {
        const refusal = formRefusal(error);
        if (!refusal || refusal.status === 404) throw error;
        return reply.html(await previewPage(request, refusal.message), refusal.status);
      }
    });
  });
}

/** The ids of the export link (comma-separated UUIDs, at most EXPORT_MAX). */
function exportSelection(raw: unknown): string[] {
  const ids = [...new Set(String(typeof raw === 'string' ? raw : '').split(','))].filter(isUuid);
  if (ids.length > EXPORT_MAX) throw new HttpError(400, 'bad_request', `at most ${EXPORT_MAX} videos per archive`);
  return ids;
}
