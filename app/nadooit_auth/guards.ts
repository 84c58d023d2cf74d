import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError, forbidden, isApiPath } from '../core/http/errors.js';
import { localPath } from '../core/http/redirects.js';
import type { CurrentUser } from '../core/http/types.js';

export const LOGIN_PATH = '/auth/login-user';
export const STAFF_LOGIN_PATH = '/auth/staff-login';

/** Thrown by the guards: 401 JSON under /api/, a redirect to the login page for everything else. */
export class AuthRequired extends HttpError {
  constructor(readonly location: string) {
    super(401, 'unauthorized', 'Authentication required');
  }
}

const pendingRedirects = new WeakMap<FastifyRequest, string>();

function withNext(path: string, next: string | undefined): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

/** The login page URL that comes back to `next` (a local path) afterwards. */
export function loginUrl(next?: string): string {
  return withNext(LOGIN_PATH, next === undefined ? undefined : localPath(next));
}

export function staffLoginUrl(next?: string): string {
  return withNext(STAFF_LOGIN_PATH, next === undefined ? undefined : localPath(next));
}

/** After login, GET pages come back to where the person was; a refused POST goes to the login page only. */
function returnPath(request: FastifyRequest): string | undefined {
  return request.method === 'GET' ? localPath(request.url) : undefined;
}

function refuse(request: FastifyRequest, location: string): never {
  pendingRedirects.set(request, location);
  throw new AuthRequired(location);
}

/** The signed-in person, or a redirect to /auth/login-user?next=… (pages) / 401 JSON (under /api/). */
export function requireUser(request: FastifyRequest): CurrentUser {
  if (request.user) return request.user;
  return refuse(request, loginUrl(returnPath(request)));
}

/**
 * A staff member who passed password and second factor. Anonymous people and staff signed in without
 * the second factor go to /auth/staff-login; signed-in non-staff get 403.
 */
export function requireStaff(request: FastifyRequest): CurrentUser {
  const user = request.user;
  if (user?.isStaff && user.secondFactorVerified) return user;
  if (user && !user.isStaff) throw forbidden();
  return refuse(request, staffLoginUrl(returnPath(request)));
}

/** Like requireStaff, and the account must be a superuser. */
export function requireSuperuser(request: FastifyRequest): CurrentUser {
  const user = requireStaff(request);
  if (!user.isSuperuser) throw forbidden();
  return user;
}

/** The same checks as Fastify preHandler hooks: `app.get(url, { preHandler: userRequired }, handler)`. */
export async function userRequired(request: FastifyRequest): Promise<void> {
  requireUser(request);
}

export async function staffRequired(request: FastifyRequest): Promise<void> {
  requireStaff(request);
}

/**
 * Turns the guards' 401 into a redirect for pages (htmx requests get HX-Redirect). Installed once by the
 * auth module; the error page the platform renders is replaced by an empty redirect response.
 */
export function installLoginRedirects(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const location = pendingRedirects.get(request);
    if (!location || reply.statusCode !== 401 || isApiPath(request.url)) return payload;
    if (request.headers['hx-request']) {
      reply.code(200).header('hx-redirect', location);
    } else {
      reply.code(303).header('location', location);
    }
    reply.type('text/plain; charset=utf-8');
    return '';
  });
}
