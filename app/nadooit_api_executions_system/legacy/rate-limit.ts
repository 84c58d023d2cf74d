import type { FastifyRequest } from 'fastify';
import type { RateLimitOptions } from '@fastify/rate-limit';
import type { Settings } from '../../core/config.js';
import type { Tx } from '../../core/db/transaction.js';
import { sha256Hex } from '../../core/http/tokens.js';
import { verifyApiKey } from '../../nadooit_api_key/services/index.js';
import type { ApiKeyVerification } from '../../nadooit_api_key/services/index.js';

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

/**
 * Hashes of keys that verified in this process lately, oldest first (a Map keeps insertion order). Only
 * these get a request budget of their own: a client inventing a new key per request would otherwise
 * never be throttled, each guess costing a database lookup.
 */
const verifiedKeys = new Map<string, true>();
const VERIFIED_KEYS_KEPT = 10_000;

function remember(hash: string, verified: boolean): void {
  verifiedKeys.delete(hash);
  if (!verified) return;
  verifiedKeys.set(hash, true);
  if (verifiedKeys.size > VERIFIED_KEYS_KEPT) verifiedKeys.delete(verifiedKeys.keys().next().value!);
}

/** verifyApiKey, remembering the outcome for the rate limit's choice of budget. */
export async function verifyPresentedKey(db: Tx, presented: unknown, userCode?: string | null): Promise<ApiKeyVerification> {
  const result = await verifyApiKey(db, presented, userCode);
  if (typeof presented === 'string') remember(sha256Hex(presented), result.ok);
  return result;
}

/**
 * Whose budget a request uses: a key verified lately has its own; an unknown, revoked or not yet seen key
 * counts against the client address (its first request included).
 */
export function keyOrAddressBucket(request: FastifyRequest, presented: unknown): string {
  if (typeof presented === 'string' && presented !== '') {
    const hash = sha256Hex(presented);
    if (verifiedKeys.has(hash)) return `key:${hash}`;
  }
  return `ip:${request.ip}`;
}
