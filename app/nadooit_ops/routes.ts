import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { AppContext } from '../core/app-module.js';
import { forbidden, notFound } from '../core/http/errors.js';
import { ACCEL_PREFIX_HEADER, PRIVATE_MEDIA_PREFIX, mayOpen, privateMediaFile, safeRelativePath } from './private-media.js';

/** Where people sign in (the identity app's page); anonymous visitors of a private file land there. */
export const LOGIN_PATH = '/auth/login-user';

function wantsPage(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * /media/private/<path>: the app decides, then nginx delivers the file (X-Accel-Redirect to its
 * internal location). Without nginx (development) the app sends the file itself. Public media under
 * /media/ is served by nginx in production; the app serves it too so development needs no proxy.
 */
export async function opsRoutes(app: FastifyInstance, { settings }: AppContext): Promise<void> {
  const privateRoot = path.join(settings.mediaRoot, 'private');
  mkdirSync(privateRoot, { recursive: true });
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, { root: privateRoot, serve: false });
    await scope.register(fastifyStatic, {
      root: settings.mediaRoot,
      prefix: '/media/',
      decorateReply: false,
      index: false,
      list: false,
      dotfiles: 'deny',
      maxAge: '7d',
      allowedPath: (pathName) => !pathName.startsWith('/private/') && pathName !== '/private',
      // Video playlists change while renditions are published (as nginx does: revalidate them).
      setHeaders: (res, file) => {
        if (file.endsWith('.m3u8')) res.header('cache-control', 'no-cache');
      },
    });

    scope.get(`${PRIVATE_MEDIA_PREFIX}*`, async (request, reply) => {
      const relative = safeRelativePath((request.params as { '*': string })['*']);
      if (!relative) throw notFound();
      if (!(await mayOpen(request, settings, relative))) {
        if (!request.user && wantsPage(request)) {
          await request.flash('info', request.t('ops.media.login_required'));
          return reply.redirect(`${LOGIN_PATH}?next=${encodeURIComponent(request.url)}`);
        }
        throw forbidden(request.t('ops.media.forbidden'));
      }
      const info = await stat(privateMediaFile(settings, relative)).catch(() => null);
      if (!info?.isFile()) throw notFound();
      reply.header('cache-control', 'private, no-cache');
      const internalPrefix = request.headers[ACCEL_PREFIX_HEADER];
      if (settings.trustProxy && typeof internalPrefix === 'string' && internalPrefix.startsWith('/')) {
        const encoded = relative.split('/').map(encodeURIComponent).join('/');
        return reply.header('x-accel-redirect', `${internalPrefix.replace(/\/?$/, '/')}${encoded}`).send();
      }
      return reply.sendFile(relative, { cacheControl: false });
    });
  });
}
