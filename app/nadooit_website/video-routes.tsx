import { createWriteStream } from 'node:fs';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../core/app-module.js';
import { staffAccess } from '../core/admin/access.js';
import type { AdminResource, Permission } from '../core/admin/types.js';
import { AdminShell } from '../core/admin/views/shell.js';
import { transaction } from '../core/db/transaction.js';
import { HttpError, forbidden, notFound } from '../core/http/errors.js';
import { isUuid } from '../core/ids.js';
import { pageContext } from '../core/ui/page-context.js';
import type { PageContext } from '../core/ui/page-context.js';
import { requireStaff } from '../nadooit_auth/guards.js';
import { filesResource, videosResource } from './admin-video.js';
import { storeFile } from './services/files.js';
import { loadStatusView } from './services/video-status.js';
import { websiteAsset } from './static-mount.js';
import { videoConfig } from './video/settings.js';
import { privatePath } from './video/storage.js';
import { UPLOADS_PATH, tusRoutes } from './video/tus.js';
import { VideoStatusPanel, videoStatusHref } from './views/video.js';

const VIDEOS = '/admin/nadooit_website/videos/';
const FILES = '/admin/nadooit_website/files/';

/** Staff with the admin permission on the resource — the same rule the generated admin applies. */
async function authorise(context: AppContext, request: FastifyRequest, resource: AdminResource, permission: Permission): Promise<string> {
  const user = requireStaff(request);
  const access = await staffAccess(context.db.kysely, user);
  if (!access.holds(resource, permission)) throw forbidden(request.t('admin.forbidden'));
  return user.id;
}

function UploadPage({ ctx, maxBytes }: { ctx: PageContext; maxBytes: number }): JSX.Element {
  const de = ctx.language === 'de';
  return (
    <AdminShell ctx={ctx} prefix="/admin" title={de ? 'Video hochladen' : 'Upload video'} crumbs={[{ label: 'Videos', href: VIDEOS }]} logoutUrl="/auth/logout">
      <form id="video-upload-form" class="card card-body" data-endpoint={UPLOADS_PATH} data-video-base={VIDEOS}>
        <div class="mb-3">
          <label class="form-label" for="video-title">
            {de ? 'Titel' : 'Title'}
          </label>
          <input class="form-control" id="video-title" name="title" maxlength="200" required />
        </div>
        <div class="mb-3">
          <label class="form-label" for="video-file">
            {de ? 'Videodatei' : 'Video file'}
          </label>
          <input class="form-control" id="video-file" name="file" type="file" accept="video/*" required />
          <div class="form-text" safe>
            {de
              ? `Höchstens ${Math.round(maxBytes / 1024 / 1024)} MB. Bricht die Verbindung ab, setzt ein erneuter Start den Upload fort.`
              : `At most ${Math.round(maxBytes / 1024 / 1024)} MB. If the connection breaks, starting again resumes the upload.`}
          </div>
        </div>
        <progress id="video-upload-progress" class="w-100 mb-3" value="0" max="1000" hidden></progress>
        <div>
          <button class="btn btn-primary" type="submit">
            {de ? 'Hochladen' : 'Upload'}
          </button>
        </div>
        <div id="video-upload-message" role="status" hidden></div>
      </form>
      <script src={websiteAsset('video-upload.js')} defer></script>
    </AdminShell>
  );
}

function FileUploadPage({ ctx, error }: { ctx: PageContext; error?: string }): JSX.Element {
  const de = ctx.language === 'de';
  return (
    <AdminShell ctx={ctx} prefix="/admin" title={de ? 'Datei hochladen' : 'Upload file'} crumbs={[{ label: de ? 'Dateien' : 'Files', href: FILES }]} logoutUrl="/auth/logout">
      {error ? (
        <div class="alert alert-danger" role="alert" safe>
          {error}
        </div>
      ) : (
        ''
      )}
      <form class="card card-body" method="post" action={`${FILES}add`} enctype="multipart/form-data">
        <input type="hidden" name="csrfmiddlewaretoken" value={ctx.csrfToken} />
        <div class="mb-3">
          <label class="form-label" for="file-name">
            Name
          </label>
          <input class="form-control" id="file-name" name="name" maxlength="200" required />
        </div>
        <div class="mb-3">
          <label class="form-label" for="file-file">
            {de ? 'Datei' : 'File'}
          </label>
          <input class="form-control" id="file-file" name="file" type="file" required />
        </div>
        <div>
          <button class="btn btn-primary" type="submit">
            {de ? 'Hochladen' : 'Upload'}
          </button>
        </div>
      </form>
    </AdminShell>
  );
}

/** A multipart form whose file part is streamed to a private temp file (never buffered); fields become the body. */
async function streamedForm(request: FastifyRequest, tempDir: string, maxBytes: number): Promise<void> {
  if (!request.isMultipart()) return;
  const body: Record<string, unknown> = {};
  for await (const part of request.parts({ limits: { fileSize: maxBytes, files: 1, fields: 10 } })) {
    if (part.type === 'file') {
      await mkdir(tempDir, { recursive: true });
      const temp = path.join(tempDir, randomUUID());
      await pipeline(part.file, createWriteStream(temp));
      if (part.file.truncated) {
        await rm(temp, { force: true });
        throw new HttpError(413, 'too_large', 'The file is larger than the limit');
      }
      body.file = { temp, filename: part.filename, mimetype: part.mimetype };
    } else body[part.fieldname] = String(part.value);
  }
  request.body = body;
}

export async function videoRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  const { settings } = context;
  const db = () => context.db.kysely;
  await tusRoutes(app, context, { authorise: (request) => authorise(context, request, videosResource, 'add') });

  app.get(`${VIDEOS}add`, async (request, reply) => {
    await authorise(context, request, videosResource, 'add');
    return reply.html(<UploadPage ctx={await pageContext(request, { forms: true })} maxBytes={videoConfig(settings).maxUploadBytes} />);
  });

  app.get(`${VIDEOS}:id/status`, async (request, reply) => {
    await authorise(context, request, videosResource, 'view');
    const { id } = request.params as { id: string };
    const view = isUuid(id) ? await loadStatusView(db(), id) : undefined;
    if (!view) throw notFound();
    return reply.html(<VideoStatusPanel language={request.language} view={view} href={videoStatusHref(view.id)} />);
  });

  await app.register(async (scope) => {
    await scope.register(fastifyMultipart);
    const tempDir = privatePath(settings, 'tmp');
    scope.addHook('preValidation', async (request) => {
      if (request.method === 'POST') await streamedForm(request, tempDir, videoConfig(settings).maxUploadBytes);
    });

    scope.get(`${FILES}add`, async (request, reply) => {
      await authorise(context, request, filesResource, 'add');
      return reply.html(<FileUploadPage ctx={await pageContext(request, { forms: true })} />);
    });

    scope.post(`${FILES}add`, async (request, reply) => {
      const body = (request.body ?? {}) as { name?: string; file?: { temp: string; filename: string; mimetype: string } };
      try {
        await authorise(context, request, filesResource, 'add');
        if (!body.file) return reply.code(400).html(<FileUploadPage ctx={await pageContext(request, { forms: true })} error={request.language === 'de' ? 'Bitte eine Datei wählen.' : 'Please choose a file.'} />);
        const upload = body.file;
        const id = await transaction(db(), (tx) =>
          storeFile(tx, settings, { name: body.name ?? '', originalName: upload.filename, contentType: upload.mimetype, stream: createReadStream(upload.temp), maxBytes: videoConfig(settings).maxUploadBytes }),
        );
        return reply.redirect(`${FILES}${id}/`, 303);
      } catch (error) {
        if (error instanceof HttpError && error.statusCode < 500 && error.statusCode !== 403 && error.statusCode !== 401) {
          return reply.code(error.statusCode).html(<FileUploadPage ctx={await pageContext(request, { forms: true })} error={error.message} />);
        }
        throw error;
      } finally {
        if (body.file) await rm(body.file.temp, { force: true });
      }
    });
  });
}
