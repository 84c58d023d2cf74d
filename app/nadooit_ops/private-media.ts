import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { Settings } from '../core/config.js';
import { hmac, safeEqual } from '../core/http/tokens.js';

/** URL prefix of private media; files live under MEDIA_ROOT/private/ and are never served directly. */
export const PRIVATE_MEDIA_PREFIX = '/media/private/';
/** nginx sets this header (to its internal location) on requests it forwards from PRIVATE_MEDIA_PREFIX. */
export const ACCEL_PREFIX_HEADER = 'x-accel-internal-prefix';

/**
 * Decides about one private file: true allows, false denies, undefined leaves it to the default
 * (staff with a verified second factor).
 */
export type MediaAuthoriser = (request: FastifyRequest, relativePath: string) => boolean | undefined | Promise<boolean | undefined>;

const authorisers: Array<{ prefix: string; authorise: MediaAuthoriser }> = [];

/**
 * Lets an app decide who may open the private files under `prefix` (relative to MEDIA_ROOT/private,
 * e.g. "voice_files/"). The longest matching prefix wins; call it once, when the app's module loads.
 */
export function registerPrivateMediaAuthoriser(prefix: string, authorise: MediaAuthoriser): void {
  const normalised = prefix.replace(/^\/+/, '');
  const existing = authorisers.findIndex((a) => a.prefix === normalised);
  if (existing >= 0) authorisers.splice(existing, 1);
  authorisers.push({ prefix: normalised, authorise });
  authorisers.sort((a, b) => b.prefix.length - a.prefix.length);
}

export function authoriserFor(relativePath: string): MediaAuthoriser | undefined {
  return authorisers.find((a) => relativePath.startsWith(a.prefix))?.authorise;
}

/**
 * A relative path that stays inside the private folder: no empty, `.` or `..` segments, no hidden
 * files, no backslashes or NUL bytes. Returns null for anything else.
 */
export function safeRelativePath(candidate: string): string | null {
  if (!candidate || candidate.includes('\\') || candidate.includes('\0') || candidate.startsWith('/')) return null;
  const segments = candidate.split('/');
  if (segments.some((s) => s === '' || s.startsWith('.'))) return null;
  return segments.join('/');
}

export function privateMediaFile(settings: Pick<Settings, 'mediaRoot'>, relativePath: string): string {
  const root = path.join(settings.mediaRoot, 'private');
  const file = path.resolve(root, relativePath);
  if (!file.startsWith(root + path.sep)) throw new Error(`path escapes the private media folder: ${relativePath}`);
  return file;
}

function signature(secret: string, relativePath: string, expires: number): string {
  return hmac(secret, `private-media:${relativePath}:${expires}`);
}

/**
 * A link to one private file that works without a session until it expires (e.g. for an e-mail or an
 * export download). HLS playlists need session access instead: their segment URLs carry no signature.
 */
export function signedPrivateMediaUrl(
  settings: Pick<Settings, 'secretKey'>,
  relativePath: string,
  ttlSeconds: number,
  now = Date.now(),
): string {
  const safe = safeRelativePath(relativePath);
  if (!safe) throw new Error(`not a valid private media path: ${relativePath}`);
  const expires = Math.floor(now / 1000) + ttlSeconds;
  const encoded = safe.split('/').map(encodeURIComponent).join('/');
  return `${PRIVATE_MEDIA_PREFIX}${encoded}?expires=${expires}&signature=${signature(settings.secretKey, safe, expires)}`;
}

export function validSignature(
  settings: Pick<Settings, 'secretKey'>,
  relativePath: string,
  query: { expires?: string; signature?: string },
  now = Date.now(),
): boolean {
  const expires = Number(query.expires);
  if (!query.signature || !Number.isInteger(expires) || expires * 1000 <= now) return false;
  return safeEqual(query.signature, signature(settings.secretKey, relativePath, expires));
}

/** Staff who passed their second factor may open every private file unless an app's authoriser says no. */
export async function mayOpen(request: FastifyRequest, settings: Pick<Settings, 'secretKey'>, relativePath: string): Promise<boolean> {
  if (validSignature(settings, relativePath, request.query as Record<string, string>)) return true;
  const verdict = await authoriserFor(relativePath)?.(request, relativePath);
  if (verdict !== undefined) return verdict;
  const user = request.user;
  return Boolean(user?.isStaff && user.secondFactorVerified);
}
