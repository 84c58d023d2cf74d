import type { FastifyRequest } from 'fastify';
import type { RateLimitOptions } from '@fastify/rate-limit';
import type { Settings } from '../../core/config.js';

/**
 * Route config for @fastify/rate-limit, counted after the body is parsed so the key can be the caller's.
 * A bot books a few runs a minute; the default 1200/min (20/s, setting NADOOIT_API_RATE_LIMIT_PER_MINUTE)
 * leaves room for bursts while stopping key or user-code guessing; 0 switches the limit off.
 */
export function apiRateLimit(settings: Pick<Settings, 'apiRateLimitPerMinute'>, keyGenerator: (request: FastifyRequest) => string): RateLimitOptions | false {
  const max = settings.apiRateLimitPerMinute;
  if (max === 0) return false;
  return { max, timeWindow: 60_000, hook: 'preHandler', keyGenerator };
}
