import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { HttpError } from '../../core/http/errors.js';
import { isUuid } from '../../core/ids.js';
import { intakeVideo } from '../services/video-intake.js';
import { createUploadRow, deleteUploadRow, findUpload, setUploadVideo } from '../services/videos.js';
import { videoConfig } from './settings.js';
import { uploadFile } from './storage.js';

/**
 * The tus 1.0 resumable upload protocol (core + creation, termination and checksum extensions), the subset
 * the admin's uploader speaks: POST creates an upload, HEAD tells how much arrived, PATCH appends at that
 * offset (streamed to disk, never held in memory), DELETE gives up. A cut connection keeps what arrived;
 * the client asks HEAD and continues. The last PATCH turns the file into a video (ffprobe, dedupe, queue).
 */
export const TUS_VERSION = '1.0.0';
export const UPLOADS_PATH = '/admin/video-uploads/';
const CHECKSUMS: Record<string, string> = { sha1: 'sha1', sha256: 'sha256', md5: 'md5' };
const UPLOAD_TTL_MS = 24 * 3600_000;

export interface TusAccess {
  /** Throws unless the request may upload videos; returns the uploader's user id. */
  authorise(request: FastifyRequest): Promise<string>;
}

function tusHeaders(reply: FastifyReply): FastifyReply {
  return reply.header('tus-resumable', TUS_VERSION).header('cache-control', 'no-store');
}

function requireTus(request: FastifyRequest): void {
  if (request.headers['tus-resumable'] !== TUS_VERSION) throw new HttpError(412, 'tus_version', `Tus-Resumable: ${TUS_VERSION} is required`);
}

/** Upload-Metadata: comma-separated "key base64value" pairs. */
export function parseMetadata(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (header ?? '').split(',')) {
    const [key, value] = pair.trim().split(' ');
    if (!key) continue;
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(key)) throw new HttpError(400, 'tus_metadata', 'Upload-Metadata has an invalid key');
    out[key] = Buffer.from(value ?? '', 'base64').toString('utf8').replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255);
  }
  return out;
}

/** Counts (and optionally hashes) bytes on their way to disk and stops a body longer than announced. */
function meter(limit: number, hash: ReturnType<typeof createHash> | null) {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > limit) return done(new HttpError(413, 'tus_too_long', 'The body goes past Upload-Length'));
      hash?.update(chunk);
      done(null, chunk);
    },
  });
}

export async function tusRoutes(app: FastifyInstance, context: AppContext, access: TusAccess): Promise<void> {
  const { settings } = context;
  const db = () => context.db.kysely;
  const busy = new Set<string>();

  async function ownUpload(request: FastifyRequest) {
    const userId = await access.authorise(request);
    const { id } = request.params as { id: string };
    const upload = isUuid(id) ? await findUpload(db(), id) : undefined;
    if (!upload || upload.user_id !== userId) throw new HttpError(404, 'not_found', 'No such upload');
    return upload;
  }

  await app.register(async (scope) => {
    // The body of a PATCH is read by the handler as a stream; nothing buffers it.
    scope.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));

    scope.options(UPLOADS_PATH, async (request, reply) => {
      await access.authorise(request);
      return tusHeaders(reply)
        .header('tus-version', TUS_VERSION)
        .header('tus-extension', 'creation,termination,checksum')
        .header('tus-max-size', String(videoConfig(settings).maxUploadBytes))
        .header('tus-checksum-algorithm', Object.keys(CHECKSUMS).join(','))
        .code(204)
        .send();
    });

    scope.post(UPLOADS_PATH, async (request, reply) => {
      const userId = await access.authorise(request);
      requireTus(request);
      const length = Number(request.headers['upload-length']);
      if (!Number.isSafeInteger(length) || length <= 0) throw new HttpError(400, 'tus_length', 'Upload-Length must be a positive whole number');
      const max = videoConfig(settings).maxUploadBytes;
      if (length > max) throw new HttpError(413, 'too_large', `The file is larger than the limit of ${Math.round(max / 1024 / 1024)} MB`);
      const metadata = parseMetadata(request.headers['upload-metadata'] as string | undefined);
      const id = randomUUID();
      const file = uploadFile(settings, id);
      await mkdir(path.dirname(file), { recursive: true });
      await (await open(file, 'w')).close();
      await createUploadRow(db(), { id, userId, length, metadata, ttlMs: UPLOAD_TTL_MS });
      return tusHeaders(reply).header('location', `${UPLOADS_PATH}${id}`).header('upload-offset', '0').code(201).send();
    });

    scope.head(`${UPLOADS_PATH}:id`, async (request, reply) => {
      const upload = await ownUpload(request);
      const offset = (await stat(uploadFile(settings, upload.id)).catch(() => null))?.size ?? (upload.video_id ? upload.length : 0);
      tusHeaders(reply).header('upload-offset', String(offset)).header('upload-length', String(upload.length));
      if (upload.video_id) reply.header('x-video-id', upload.video_id);
      return reply.code(200).send();
    });

    scope.patch(`${UPLOADS_PATH}:id`, async (request, reply) => {
      const upload = await ownUpload(request);
      requireTus(request);
      if (!String(request.headers['content-type'] ?? '').startsWith('application/offset+octet-stream')) {
        throw new HttpError(415, 'tus_content_type', 'Content-Type must be application/offset+octet-stream');
      }
      if (busy.has(upload.id)) throw new HttpError(409, 'tus_busy', 'This upload is receiving data already');
      const file = uploadFile(settings, upload.id);
      const current = (await stat(file).catch(() => null))?.size;
      if (current === undefined) throw new HttpError(410, 'tus_gone', 'This upload is finished or was removed');
      if (Number(request.headers['upload-offset']) !== current) {
        return tusHeaders(reply).header('upload-offset', String(current)).code(409).send({ code: 'tus_offset', message: `Upload-Offset must be ${current}` });
      }
      const checksum = String(request.headers['upload-checksum'] ?? '').split(' ');
      const algorithm = checksum[0] ? CHECKSUMS[checksum[0]] : undefined;
      if (checksum[0] && !algorithm) throw new HttpError(400, 'tus_checksum_algorithm', 'Unsupported checksum algorithm');
      const hash = algorithm ? createHash(algorithm) : null;
      busy.add(upload.id);
      try {
        try {
          await pipeline(request.raw, meter(upload.length - current, hash), createWriteStream(file, { flags: 'a' }));
        } catch (error) {
          if (error instanceof HttpError) {
            await truncate(file, current);
            throw error;
          }
          return; // the client went away; what arrived stays and HEAD reports it
        }
        if (hash && hash.digest('base64') !== checksum[1]) {
          await truncate(file, current);
          return tusHeaders(reply).code(460).send({ code: 'checksum_mismatch', message: 'Upload-Checksum does not match the data; send this part again' });
        }
        const offset = (await stat(file)).size;
        tusHeaders(reply).header('upload-offset', String(offset));
        if (offset < upload.length) return reply.code(204).send();
        const metadata = JSON.parse(upload.metadata) as Record<string, string>;
        const result = await intakeVideo(context, file, { title: metadata.title ?? '', originalName: metadata.filename ?? 'video' });
        if (result.kind === 'refused') {
          await deleteUploadRow(db(), upload.id);
          return reply.code(422).send({ code: 'not_a_video', message: result.message });
        }
        await setUploadVideo(db(), upload.id, result.videoId);
        reply.header('x-video-id', result.videoId);
        if (result.kind === 'duplicate') reply.header('x-video-duplicate', encodeURIComponent(result.title));
        return reply.code(204).send();
      } finally {
        busy.delete(upload.id);
      }
    });

    scope.delete(`${UPLOADS_PATH}:id`, async (request, reply) => {
      const upload = await ownUpload(request);
      requireTus(request);
      if (!busy.has(upload.id)) await rm(uploadFile(settings, upload.id), { force: true });
      await deleteUploadRow(db(), upload.id);
      return tusHeaders(reply).code(204).send();
    });
  });
}
