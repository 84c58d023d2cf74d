import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';
import { SESSION_COOKIE, csrfTokenFor } from './sessions.js';
import { safeEqual } from './tokens.js';
import './types.js';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Whether the route's CSRF mode asks for a check of this request (types.ts `CsrfMode`): only unsafe
 * methods on an existing route; 'session-only' only when a session cookie came along.
 */
export function csrfCheckDue(request: FastifyRequest): boolean {
  // Without a route there is nothing to protect: the 404 is the same for everyone.
  if (!UNSAFE_METHODS.has(request.method) || request.is404) return false;
  const mode = request.routeOptions.config?.csrf ?? true;
  if (mode === false) return false;
  return mode !== 'session-only' || Boolean(request.cookies[SESSION_COOKIE]);
}

/** Same origin (or a trusted one) and the session's token in a header or the form field; 403 csrf_failed otherwise. */
export function verifyCsrf(request: FastifyRequest, secret: string, trustedOrigins: string[]): void {
  const origin = request.headers.origin;
  if (origin && origin !== 'null') {
    const own = `${request.protocol}://${request.host}`;
    if (origin !== own && !trustedOrigins.includes(origin)) {
      throw new HttpError(403, 'csrf_failed', `CSRF check failed: origin ${origin} is not trusted`);
    }
  }
  if (!request.session) throw new HttpError(403, 'csrf_failed', 'CSRF check failed: no session');
  const body = request.body as Record<string, unknown> | undefined;
  const sent =
    (request.headers['x-csrftoken'] as string | undefined) ??
    (request.headers['x-csrf-token'] as string | undefined) ??
    (typeof body?.csrfmiddlewaretoken === 'string' ? body.csrfmiddlewaretoken : undefined);
  const expected = csrfTokenFor(secret, request.session);
  if (!sent || !safeEqual(sent, expected)) {
    throw new HttpError(403, 'csrf_failed', 'CSRF check failed: missing or wrong token');
  }
}
