import type { FastifyRequest } from 'fastify';
import type { RateLimitOptions, errorResponseBuilderContext } from '@fastify/rate-limit';
import { HttpError } from './errors.js';

export interface RouteRateLimit {
  /** Requests allowed per key and window. */
  max: number;
  /** Milliseconds, or a string such as '1 minute'. */
  timeWindow: number | string;
  /** Whose budget a request uses; the client address by default (X-Forwarded-For only with TRUST_PROXY). */
  keyGenerator?: (request: FastifyRequest) => string | Promise<string>;
  /** 'preHandler' counts after the body is parsed, so the key may come from the body; default 'onRequest'. */
  hook?: 'onRequest' | 'preHandler';
}

/**
 * A per-route request ceiling, counted in memory or — when REDIS_URL is set — in Redis, so every
 * instance shares one budget. Spread it into a route's config:
 *
 *   app.post('/auth/login', { config: { ...rateLimit({ max: 10, timeWindow: '1 minute' }) } }, handler)
 *
 * Over the limit the request fails with 429 (`{error: {code: 'rate_limited'}}` under /api/, the error
 * page elsewhere) and a Retry-After header.
 */
export function rateLimit(options: RouteRateLimit): { rateLimit: RateLimitOptions } {
  if (!Number.isInteger(options.max) || options.max < 1) throw new Error(`rateLimit: max must be a positive whole number, got ${options.max}`);
  return {
    rateLimit: {
      max: options.max,
      timeWindow: options.timeWindow,
      hook: options.hook ?? 'onRequest',
      ...(options.keyGenerator ? { keyGenerator: options.keyGenerator } : {}),
    },
  };
}

/** The error every exceeded limit throws (registered globally in createHttpServer). */
export function rateLimitExceeded(_request: FastifyRequest, context: errorResponseBuilderContext): HttpError {
  return context.ban
    ? new HttpError(403, 'forbidden', 'Too many requests; access is blocked for now')
    : new HttpError(context.statusCode, 'rate_limited', `Too many requests; try again in ${context.after}`);
}
