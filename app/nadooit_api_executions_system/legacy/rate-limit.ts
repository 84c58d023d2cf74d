import type { FastifyRequest } from 'fastify';
import type { RateLimitOptions } from '@fastify/rate-limit';

const DEFAULT_PER_MINUTE = 1200;

/**
 * Requests per minute and caller on the bot API. A bot books a few runs a minute; 1200/min (20/s) leaves
 * room for bursts while stopping key or user-code guessing. NADOOIT_API_RATE_LIMIT_PER_MINUTE overrides it
 * (the booking benchmark raises it; 0 switches the limit off).
 */
export function perMinuteLimit(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.NADOOIT_API_RATE_LIMIT_PER_MINUTE?.trim();
  if (!raw) return DEFAULT_PER_MINUTE;
  const value = Number(raw);
  return Number.isSafeInteger(value) && value >= 0 ? value : DEFAULT_PER_MINUTE;
}

/** Route config for @fastify/rate-limit; counted after the body is parsed so the key can be the caller's. */
export function apiRateLimit(keyGenerator: (request: FastifyRequest) => string): RateLimitOptions | false {
  const max = perMinuteLimit();
  if (max === 0) return false;
  return { max, timeWindow: 60_000, hook: 'preHandler', keyGenerator };
}
