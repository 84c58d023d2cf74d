import type { FastifyRequest } from 'fastify';
import { staffAccess } from '../core/admin/access.js';
import type { Access } from '../core/admin/access.js';
import type { AppContext } from '../core/app-module.js';
import { HttpError } from '../core/http/errors.js';
import { translator } from '../core/ui/i18n.js';
import { SESSION_COOKIE, csrfTokenFor } from '../core/http/sessions.js';
import { safeEqual } from '../core/http/tokens.js';
import type { Actor } from '../core/actor.js';
import { parseKeyFromRequest } from '../nadooit_api_executions_system/legacy/api-keys.js';
import { verifyPresentedKey } from '../nadooit_api_executions_system/legacy/rate-limit.js';
import { findUserById } from '../nadooit_auth/services/users.js';

/** Who calls the REST API: the owner of a Bearer API key, or the person of a browser session. */
export interface Principal {
  userId: string;
  via: 'api_key' | 'session';
  /** A key issued for one customer sees only that customer. */
  keyCustomerId: string | null;
  /**
   * The admin permissions (docs/admin.md) of an active staff account — by session only after the second
   * factor, by key for the key's owner; null for everyone else. Staff status alone grants nothing: every
   * staff path asks this Access for the admin model/action it touches (scope.ts).
   */
  staff: Access | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** 401 with the catalog text `key` (nadooit_api/messages.ts) in the reader's language; the English text for logs. */
export const unauthorized = (key: 'api.error.unauthenticated' | 'api.error.invalid_key' = 'api.error.unauthenticated') =>
  new HttpError(401, 'unauthorized', translator('en')(key)).localized(key);

/**
 * Session writes need the CSRF token (X-CSRFToken header) and a same-origin Origin; Bearer requests need
 * none — a cross-site page cannot set an Authorization header, even if the browser adds a cookie.
 */
function checkSessionCsrf(request: FastifyRequest, context: AppContext): void {
  if (!UNSAFE.has(request.method)) return;
  const origin = request.headers.origin;
  if (origin && origin !== 'null' && origin !== `${request.protocol}://${request.host}` && !context.settings.csrfTrustedOrigins.includes(origin)) {
    throw new HttpError(403, 'csrf_failed', `CSRF check failed: origin ${origin} is not trusted`).localized('api.error.csrf_origin', { origin });
  }
  const sent = request.headers['x-csrftoken'] ?? request.headers['x-csrf-token'];
  const expected = csrfTokenFor(context.settings.secretKey, request.session!);
  if (typeof sent !== 'string' || !safeEqual(sent, expected)) throw new HttpError(403, 'csrf_failed', 'CSRF check failed: missing or wrong X-CSRFToken header').localized('api.error.csrf_token');
}

/** preHandler of every /api/v1 route: sets request.principal or answers 401. */
export function authenticate(context: AppContext) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.is404) return; // no route: the same 404 for everyone, without looking up credentials
    const { key, source } = parseKeyFromRequest({ headers: request.headers });
    if (source === 'bearer') {
      const verified = await verifyPresentedKey(context.db.kysely, key);
      if (!verified.ok) throw unauthorized('api.error.invalid_key');
      const owner = await findUserById(context.db.kysely, verified.userId);
      if (!owner) throw unauthorized('api.error.invalid_key');
      const staff = owner.is_staff || owner.is_superuser ? await staffAccess(context.db.kysely, { id: verified.userId, isSuperuser: owner.is_superuser }) : null;
      request.principal = { userId: verified.userId, via: 'api_key', keyCustomerId: verified.customerId, staff };
      return;
    }
    const user = request.user;
    if (!user || !request.session || !request.cookies[SESSION_COOKIE]) throw unauthorized();
    checkSessionCsrf(request, context);
    const staff = (user.isStaff || user.isSuperuser) && user.secondFactorVerified ? await staffAccess(context.db.kysely, user) : null;
    request.principal = { userId: user.id, via: 'session', keyCustomerId: null, staff };
  };
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}

/**
 * The actor the business services expect. `staffPath` is the caller's admin permission for this very
 * operation (scope.ts `staffMay`/`staffMayRun`): only then do the services see the staff path; otherwise
 * the caller acts through their own customer roles like anyone else.
 */
export function actorOf(request: FastifyRequest, staffPath: boolean): Actor {
  return { actorUserId: principalOf(request).userId, asStaff: staffPath };
}
