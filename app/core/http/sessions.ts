import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Settings } from '../config.js';
import type { DB } from '../db/connection.js';
import type { Tx } from '../db/transaction.js';
import { hmac, randomToken, sha256Hex } from './tokens.js';

export const SESSION_COOKIE = 'nadooit_session';
/** last_seen_at is written at most this often, so reading pages does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export interface FlashMessage {
  kind: 'success' | 'info' | 'warning' | 'danger';
  text: string;
}

export interface SessionHandle {
  id: string;
  userId: string | null;
  data: Record<string, unknown>;
  createdAt: string;
  lastSeenAt: string;
  dirty: boolean;
}

function cookieOptions(request: FastifyRequest, maxAgeSeconds: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: request.protocol === 'https',
    maxAge: maxAgeSeconds,
  };
}

export async function loadSession(db: DB, settings: Settings, token: string): Promise<SessionHandle | null> {
  const row = await db.selectFrom('core_sessions').selectAll().where('token_hash', '=', sha256Hex(token)).executeTakeFirst();
  if (!row) return null;
  const now = Date.now();
  const idleExpired = now - Date.parse(row.last_seen_at) > settings.sessionIdleSeconds * 1000;
  if (idleExpired || Date.parse(row.expires_at) <= now) {
    await db.deleteFrom('core_sessions').where('id', '=', row.id).execute();
    return null;
  }
  if (now - Date.parse(row.last_seen_at) > TOUCH_INTERVAL_MS) {
    await db.updateTable('core_sessions').set({ last_seen_at: new Date(now).toISOString() }).where('id', '=', row.id).execute();
  }
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(row.data) as Record<string, unknown>;
  } catch {
    data = {};
  }
  return { id: row.id, userId: row.user_id, data, createdAt: row.created_at, lastSeenAt: row.last_seen_at, dirty: false };
}

/**
 * Creates a session, sets its cookie and returns it. Only a SHA-256 of the cookie token is stored, so a
 * leaked database does not hand out live sessions.
 */
export async function createSession(
  db: DB,
  settings: Settings,
  request: FastifyRequest,
  reply: FastifyReply,
  userId: string | null,
  data: Record<string, unknown> = {},
): Promise<SessionHandle> {
  const token = randomToken(32);
  const now = new Date();
  const id = randomUUID();
  await db
    .insertInto('core_sessions')
    .values({
      id,
      token_hash: sha256Hex(token),
      user_id: userId,
      data: JSON.stringify(data),
      ip: request.ip ?? null,
      user_agent: (request.headers['user-agent'] ?? '').slice(0, 400) || null,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + settings.sessionMaxSeconds * 1000).toISOString(),
    })
    .execute();
  reply.setCookie(SESSION_COOKIE, token, cookieOptions(request, settings.sessionMaxSeconds));
  return { id, userId, data, createdAt: now.toISOString(), lastSeenAt: now.toISOString(), dirty: false };
}

/** Login: a fresh session (new token, new id) replaces the old one, which defeats session fixation. */
export async function rotateSession(
  db: DB,
  settings: Settings,
  request: FastifyRequest,
  reply: FastifyReply,
  userId: string | null,
): Promise<SessionHandle> {
  const carried: Record<string, unknown> = {};
  if (request.session) {
    for (const key of ['language', 'flash']) if (key in request.session.data) carried[key] = request.session.data[key];
    await db.deleteFrom('core_sessions').where('id', '=', request.session.id).execute();
  }
  request.session = await createSession(db, settings, request, reply, userId, carried);
  return request.session;
}

export async function destroySession(db: DB, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.session) await db.deleteFrom('core_sessions').where('id', '=', request.session.id).execute();
  request.session = null;
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

export async function saveSessionData(db: DB, session: SessionHandle): Promise<void> {
  if (!session.dirty) return;
  await db.updateTable('core_sessions').set({ data: JSON.stringify(session.data) }).where('id', '=', session.id).execute();
  session.dirty = false;
}

export function setSessionValue(session: SessionHandle, key: string, value: unknown): void {
  if (value === undefined) delete session.data[key];
  else session.data[key] = value;
  session.dirty = true;
}

/** The CSRF token is bound to the session id, so it changes when the session is rotated at login. */
export function csrfTokenFor(secretKey: string, session: SessionHandle): string {
  return hmac(secretKey, `csrf:${session.id}`);
}

/** Removes sessions past their absolute or idle limit; returns how many went. */
export async function deleteExpiredSessions(db: DB, settings: Settings, now = new Date()): Promise<number> {
  const idleCutoff = new Date(now.getTime() - settings.sessionIdleSeconds * 1000).toISOString();
  const result = await db
    .deleteFrom('core_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now.toISOString()), eb('last_seen_at', '<', idleCutoff)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The user's sessions that have not expired, most recently used first. */
export async function liveSessionsOfUser(db: Tx, userId: string, now = new Date()) {
  return db
    .selectFrom('core_sessions')
    .select(['id', 'ip', 'user_agent', 'created_at', 'last_seen_at'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', now.toISOString())
    .orderBy('last_seen_at', 'desc')
    .execute();
}

/** Deletes one of the user's sessions; the next request with that cookie is anonymous. */
export async function revokeUserSession(db: Tx, userId: string, sessionId: string): Promise<boolean> {
  const result = await db.deleteFrom('core_sessions').where('id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Signs a person out everywhere (optionally keeping one session, e.g. the current one). */
export async function revokeAllUserSessions(db: Tx, userId: string, keepSessionId?: string): Promise<number> {
  let query = db.deleteFrom('core_sessions').where('user_id', '=', userId);
  if (keepSessionId) query = query.where('id', '!=', keepSessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
