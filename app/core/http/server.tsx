import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { Redis } from 'ioredis';
import type { AppContext } from '../app-module.js';
import { ping } from '../db/connection.js';
import { APP_STATIC_DIR, allStaticMounts, buildId } from '../ui/assets.js';
import { ErrorPage } from '../ui/error-page.js';
import { translator } from '../ui/i18n.js';
import type { Language } from '../ui/i18n.js';
import { pageContext } from '../ui/page-context.js';
import type { PageContext } from '../ui/page-context.js';
import { HttpError, codeForStatus, isApiPath } from './errors.js';
import { csrfCheckDue, verifyCsrf } from './csrf.js';
import { refuseForeignHost } from './hosts.js';
import { installInputGuard } from './input-guard.js';
import type { InputProblem } from './input-guard.js';
import { LANGUAGE_COOKIE, applyLanguage } from './language.js';
import { installMachineHooks } from './machine-api.js';
import { localPath } from './redirects.js';
import { rateLimitExceeded } from './rate-limit.js';
import { SESSION_COOKIE, createSession, csrfTokenFor, loadSession, saveSessionData, setSessionValue } from './sessions.js';
import type { FlashMessage } from './sessions.js';
import './types.js';

/** Same-origin only: no inline scripts or styles, no framing, forms post only to this site. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join(';');

/** Where secrets could appear in logs; pino replaces them with [Redacted]. */
export const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrftoken"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'body.NADOOIT__API_KEY',
  'body.password',
];

/** Where the apps' routes go (each function is called inside its scope, see createHttpServer). */
export interface HttpRoutes {
  /** Machine-to-machine endpoints that authenticate every request by key: the lean scope of machine-api.ts. */
  machine?(scope: FastifyInstance): void | Promise<void>;
  /** Everything else: pages, forms, the admin, the REST API. */
  pages?(scope: FastifyInstance): void | Promise<void>;
}

/**
 * Builds the Fastify instance with everything every route relies on. On the root: body parsers, cookies,
 * rate limiting, the input guard and the error handler. Two scopes under it (Fastify encapsulation): the
 * page scope with hosts check, security headers, sessions, CSRF, language, the 404 page, health checks and
 * static assets; and the lean machine scope (machine-api.ts) for the bots' endpoints.
 */
export async function createHttpServer(context: AppContext, routes: HttpRoutes = {}): Promise<FastifyInstance> {
  const { settings, db } = context;
  const app = Fastify({
    loggerInstance: context.log.child({ component: 'http' }) as unknown as FastifyInstance['log'],
    trustProxy: settings.trustProxy,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // A malformed percent-encoding or an over-long path segment is refused by the router before any
    // hook runs; answer it in the platform's error shape too.
    frameworkErrors: (error, request, fastifyReply) => {
      const reply = fastifyReply as FastifyReply;
      const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 400;
      const message = status === 414 ? 'A path segment is too long' : 'The URL is not valid';
      if (isApiPath(request.url)) {
        return reply.code(status).header('cache-control', 'no-store').send({ error: { code: codeForStatus(status), message } });
      }
      return reply.code(status).type('text/plain; charset=utf-8').send(message);
    },
  });

  app.decorate('userResolver', null);
  app.decorateRequest('session', null);
  app.decorateRequest('user', null);
  app.decorateRequest('language', settings.language);
  app.decorateRequest('t', translator(settings.language));
  app.decorateRequest('csrfToken', async function (this: FastifyRequest) {
    if (!this.session) {
      const reply = (this as unknown as { _reply?: FastifyReply })._reply;
      if (!reply) throw new Error('csrfToken() needs the reply');
      this.session = await createSession(db.kysely, settings, this, reply, null);
    }
    return csrfTokenFor(settings.secretKey, this.session);
  });
  app.decorateRequest('flash', async function (this: FastifyRequest, kind: FlashMessage['kind'], text: string) {
    if (!this.session) await this.csrfToken();
    const list = (this.session!.data.flash as FlashMessage[] | undefined) ?? [];
    setSessionValue(this.session!, 'flash', [...list, { kind, text }]);
  });
  app.decorateRequest('takeFlashes', function (this: FastifyRequest) {
    const list = (this.session?.data.flash as FlashMessage[] | undefined) ?? [];
    if (list.length && this.session) setSessionValue(this.session, 'flash', undefined);
    return list;
  });
  app.decorateReply('html', function (this: FastifyReply, markup: string | Buffer | Promise<string>, status = 200) {
    this.code(status).type('text/html; charset=utf-8');
    return this.send(markup);
  });

  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  const rateLimitRedis = settings.redisUrl ? new Redis(settings.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: false }) : undefined;
  await app.register(fastifyRateLimit, {
    global: false,
    redis: rateLimitRedis,
    nameSpace: 'nadooit-rl-',
    skipOnError: false,
    errorResponseBuilder: rateLimitExceeded,
  });
  if (rateLimitRedis) app.addHook('onClose', async () => void rateLimitRedis.disconnect());
  installInputGuard(app);

  app.setErrorHandler(async (error: FastifyError | HttpError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const code =
      error instanceof HttpError ? error.code : (error as FastifyError).validation ? 'validation_error' : codeForStatus(status);
    const message = status >= 500 && !settings.debug ? 'Internal server error' : error.message;
    if (isApiPath(request.url) || !acceptsHtml(request)) {
      const details = error instanceof HttpError ? error.details : (error as FastifyError).validation;
      return reply.code(status).send({ error: { code, message, ...(details ? { details } : {}) } });
    }
    // A failing database must not fail the error page too: the navigation is left out after a 5xx.
    const ctx = await pageContext(request, { navigation: status < 500 }).catch(() => null);
    if (!ctx) return reply.code(status).type('text/plain').send(message);
    const detail = settings.debug && status >= 500 ? String(error.stack ?? error.message) : undefined;
    return reply.html(<ErrorPage ctx={ctx} status={status} reason={reasonOf(error, ctx.t)} detail={detail} />, status);
  });

  await app.register(async (machine) => {
    installMachineHooks(machine, context);
    await routes.machine?.(machine);
  });

  await app.register(async (pages) => {
    await pages.register(fastifyHelmet, {
      // The CSP is a constant string set below; helmet would rebuild it on every request.
      contentSecurityPolicy: false,
      hsts: false, // the proxy sets HSTS where TLS terminates
      crossOriginEmbedderPolicy: false,
    });
    pages.addHook('onRequest', async (_request, reply) => {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    });
    pages.addHook('onRequest', async (request, reply) => {
      (request as unknown as { _reply: FastifyReply })._reply = reply;
      refuseForeignHost(request.headers.host, settings.allowedHosts);
      const token = request.cookies[SESSION_COOKIE];
      if (token) request.session = await loadSession(db.kysely, settings, token);
      applyLanguage(request, settings.language);
      if (request.session?.userId && pages.userResolver) {
        request.user = await pages.userResolver(request.session.userId, request.session);
      }
    });
    pages.addHook('preHandler', async (request) => {
      if (csrfCheckDue(request)) verifyCsrf(request, settings.secretKey, settings.csrfTrustedOrigins);
    });
    pages.addHook('onSend', async (request, reply) => {
      if (request.session) await saveSessionData(db.kysely, request.session);
      // Pages of a session (signed-in or carrying a CSRF token) and API answers are nobody else's to cache.
      if ((request.session || isApiPath(request.url)) && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    });

    pages.setNotFoundHandler(async (request, reply) => {
      if (isApiPath(request.url) || !acceptsHtml(request)) {
        return reply.code(404).send({ error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` } });
      }
      const ctx = await pageContext(request);
      return reply.html(<ErrorPage ctx={ctx} status={404} />, 404);
    });
    await platformRoutes(pages, context);
    await routes.pages?.(pages);
  });

  return app;
}

/** Health checks, the language switch, the favicon and the static assets (in the page scope). */
async function platformRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  const { db } = context;
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const checks: Record<string, string> = {};
    let ok = true;
    for (const [name, probe] of [
      ['database', () => ping(db.kysely)],
      ['queue', () => context.queue.ping()],
    ] as const) {
      try {
        await probe();
        checks[name] = 'ok';
      } catch (error) {
        ok = false;
        checks[name] = (error as Error).message;
      }
    }
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks });
  });

  // A preference only, so a GET link that sets a cookie is enough (no session needed for visitors).
  app.get('/language', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const language: Language = query.set === 'en' ? 'en' : 'de';
    reply.setCookie(LANGUAGE_COOKIE, language, { path: '/', sameSite: 'lax', maxAge: 365 * 86400, httpOnly: true });
    if (request.session) setSessionValue(request.session, 'language', language);
    return reply.redirect(localPath(query.next));
  });

  // Browsers ask for /favicon.ico on their own (also on pages without the layout's <link rel="icon">).
  const favicon = readFileSync(path.join(APP_STATIC_DIR, 'favicon.svg'));
  app.get('/favicon.ico', { logLevel: 'warn' }, async (_request, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(favicon),
  );

  const build = buildId();
  for (const { mount, dir } of allStaticMounts()) {
    await app.register(fastifyStatic, {
      root: dir,
      prefix: `/static/${build}/${mount}/`,
      decorateReply: false,
      immutable: true,
      maxAge: '365d',
      index: false,
      list: false,
    });
  }
}

/** The page text for a refusal whose code has its own message (the field it names filled in). */
function reasonOf(error: FastifyError | HttpError, t: PageContext['t']): string | undefined {
  if (!(error instanceof HttpError)) return undefined;
  // A refusal with an explanation of its own (core.reason.<code>), e.g. a manager opening the admin.
  const explained = t(`core.reason.${error.code}`);
  if (explained !== `core.reason.${error.code}`) return explained;
  if (error.code !== 'invalid_characters') return undefined;
  const field = (error.details as InputProblem[] | undefined)?.[0]?.field ?? '';
  return t('core.error.invalid_characters', { field: field.replace(/^(body|query|path)\./, '') });
}

/** A page for browsers; JSON for clients that ask for it or that sent JSON without asking for HTML. */
function acceptsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  if (accept.includes('text/html')) return true;
  if (String(request.headers['content-type'] ?? '').includes('json')) return false;
  return accept === '' || accept.includes('*/*');
}
