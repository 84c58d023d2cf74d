import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { isbot } from 'isbot';
import { z } from 'zod';
import { HttpError, codeForStatus } from '../core/http/errors.js';
import { rateLimit } from '../core/http/rate-limit.js';
import { verifySignalToken } from './services/signals.js';

/** How the website's visitor endpoints (signals, heartbeat, endless scroll, questions) are protected. */
export function isBotRequest(request: FastifyRequest): boolean {
  const agent = request.headers['user-agent'] ?? '';
  let verdict = botVerdicts.get(agent);
  if (verdict === undefined) {
    if (botVerdicts.size >= MAX_REMEMBERED_AGENTS) botVerdicts.clear();
    botVerdicts.set(agent, (verdict = isbot(agent)));
  }
  return verdict;
}

// Visitors share a few hundred user agents; isbot's pattern is long, so each verdict is kept.
const botVerdicts = new Map<string, boolean>();
const MAX_REMEMBERED_AGENTS = 5000;

/**
 * Signals are posted by the page's own script: the per-session token (X-Signal-Token) replaces the CSRF
 * check, and a foreign Origin is refused as well.
 */
export function authorizeSignal(request: FastifyRequest, secret: string, sessionId: string): void {
  const origin = request.headers.origin;
  if (origin && origin !== 'null' && origin !== `${request.protocol}://${request.host}`) {
    throw new HttpError(403, 'forbidden', `Origin ${origin} may not send signals`);
  }
  const token = request.headers['x-signal-token'];
  if (!verifySignalToken(secret, sessionId, typeof token === 'string' ? token : undefined)) {
    throw new HttpError(403, 'bad_signal_token', 'Missing or wrong signal token');
  }
}

/** Errors of the signal endpoints are always JSON (the page's script and htmx read them, never a person). */
export async function signalErrors(error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  if (status >= 500) request.log.error({ err: error }, 'website signal failed');
  const code = error instanceof HttpError ? error.code : codeForStatus(status);
  const details = error instanceof HttpError ? error.details : undefined;
  return reply.code(status).send({ error: { code, message: status >= 500 ? 'Internal server error' : error.message, ...(details ? { details } : {}) } });
}


const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A UUID path parameter (compared in lower case, so SQLite and PostgreSQL agree). */
export const uuid = z
  .string()
  .transform((s) => s.toLowerCase())
  .refine((s) => UUID.test(s), 'must be a UUID');

/** Parses with zod; anything wrong is a 400 naming the fields (never a 500). */
export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, 'bad_request', `Invalid ${what}`, result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return result.data;
}

/**
 * Registers visitor endpoints (their URL has a `:session` parameter) in a scope with JSON errors and no CSRF
 * check (the signal token replaces it); `limits` is the route option with the rate limits per session
 * (120 a minute) and per address (600 a minute).
 */
export async function visitorEndpoints(app: FastifyInstance, register: (scope: FastifyInstance, limits: RouteShorthandOptions) => void | Promise<void>): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler(signalErrors);
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), csrf: false };
    });
    // The page posts signals with `fetch(…, {keepalive: true})`; Chromium never reports such a request as
    // finished when its answer says `no-store` (seen in the browser tests: the page never goes network-idle).
    // An answer to a POST is not stored by browsers anyway.
    scope.addHook('onRequest', async (_request, reply) => {
      reply.removeHeader('cache-control');
    });
    const perSession = scope.rateLimit(
      rateLimit({ max: 120, timeWindow: '1 minute', keyGenerator: (request) => `web-session:${String((request.params as { session?: string }).session ?? '').toLowerCase()}` }).rateLimit,
    );
    await register(scope, { config: rateLimit({ max: 600, timeWindow: '1 minute' }), onRequest: perSession });
  });
}
