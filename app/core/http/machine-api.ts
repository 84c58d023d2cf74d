import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-module.js';
import { csrfCheckDue, verifyCsrf } from './csrf.js';
import { refuseForeignHost } from './hosts.js';
import { LANGUAGE_COOKIE, applyLanguage } from './language.js';
import { SESSION_COOKIE, loadSession } from './sessions.js';
import './types.js';

/**
 * What every machine answer carries instead of the page headers: JSON for a program, never cached,
 * never sniffed, framed or rendered as a document.
 */
const MACHINE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
};

/**
 * The lean scope of machine-to-machine endpoints (the bots' POST /api/executions and /api/users/check),
 * which authenticate every request by key and are the system's hot path: none of the page hooks (helmet,
 * session and user lookup, session save) run there. What stays the same as on pages: the Host check,
 * the input guard and error handler (registered on the root), rate limits per route, and the CSRF rule —
 * a request that brings a session cookie loads that session and needs its token, as on pages. The
 * language is negotiated only when the request names one (cookie, session or Accept-Language).
 */
export function installMachineHooks(scope: FastifyInstance, context: AppContext): void {
  const { settings, db } = context;
  scope.addHook('onRequest', async (request, reply) => {
    refuseForeignHost(request.headers.host, settings.allowedHosts);
    reply.headers(MACHINE_HEADERS);
    if (request.headers['accept-language'] || request.cookies[LANGUAGE_COOKIE]) applyLanguage(request, settings.language);
  });
  scope.addHook('preHandler', async (request) => {
    if (!csrfCheckDue(request)) return;
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      request.session = await loadSession(db.kysely, settings, token);
      if (request.session) applyLanguage(request, settings.language);
    }
    verifyCsrf(request, settings.secretKey, settings.csrfTrustedOrigins);
  });
}
