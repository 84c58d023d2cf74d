import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import type { FieldErrors } from '../../core/ui/components.js';
import { rotateSession, setSessionValue } from '../../core/http/sessions.js';
import { transaction } from '../../core/db/transaction.js';
import { recordSecurityEvent } from '../services/audit.js';
import type { RequestOrigin, SecurityEvent } from '../services/audit.js';
import { AuthRefused } from '../services/errors.js';
import { POLICIES, lockedUntil, recordFailure, throttleKey } from '../services/throttle.js';
import type { ThrottlePolicy } from '../services/throttle.js';
import { recordLogin } from '../services/users.js';
import type { User } from '../services/users.js';
import { LOGIN_METHOD, SECOND_FACTOR } from './state.js';

export function originOf(request: FastifyRequest): RequestOrigin {
  return { ip: request.ip ?? null, userAgent: (request.headers['user-agent'] as string | undefined) ?? null };
}

/** JSON answers of the WebAuthn endpoints (fetch from auth.js), in the platform's error shape. */
export function jsonError(request: FastifyRequest, reply: FastifyReply, status: number, messageKey: string) {
  const code = status === 429 ? 'locked' : status === 401 ? 'unauthorized' : status === 422 ? 'validation_error' : 'bad_request';
  return reply.code(status).send({ error: { code, message: request.t(messageKey) } });
}

export function refusedAsJson(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  if (error instanceof AuthRefused) return jsonError(request, reply, error.status, error.messageKey);
  throw error;
}

export async function audit(context: AppContext, request: FastifyRequest, event: SecurityEvent, userId: string | null, detail?: Record<string, unknown>, actorId?: string | null) {
  await recordSecurityEvent(context.db.kysely, { event, userId, actorId, detail, ...originOf(request) });
}

/** The subjects a failed attempt counts against; the client address always counts too. */
export interface Attempt {
  policy: ThrottlePolicy;
  subject: string;
}

export async function isLocked(context: AppContext, request: FastifyRequest, attempt: Attempt | null): Promise<boolean> {
  const keys = [throttleKey(POLICIES.address, request.ip)];
  if (attempt) keys.push(throttleKey(attempt.policy, attempt.subject));
  return (await lockedUntil(context.db.kysely, keys)) !== null;
}

/** Counts a failure against the subject and the address, and logs the failure (and a new lockout). */
export async function countFailure(
  context: AppContext,
  request: FastifyRequest,
  attempt: Attempt | null,
  userId: string | null,
  detail: Record<string, unknown>,
  event: SecurityEvent = 'login_failed',
): Promise<void> {
  const db = context.db.kysely;
  await audit(context, request, event, userId, detail);
  const lockedAddress = await recordFailure(db, POLICIES.address, request.ip);
  if (lockedAddress) await audit(context, request, 'lockout', null, { scope: POLICIES.address.name });
  if (attempt && (await recordFailure(db, attempt.policy, attempt.subject))) {
    await audit(context, request, 'lockout', userId, { scope: attempt.policy.name, subject: attempt.subject });
  }
}

export interface LoginOptions {
  method: 'key' | 'passkey' | 'enrolment' | 'password+totp' | 'password+key' | 'password+recovery' | 'dev-code';
  secondFactor: boolean;
}

/** A fresh session for the person (defeats session fixation), last_login and the audit entry. */
export async function completeLogin(
  context: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
  options: LoginOptions,
): Promise<void> {
  const { db, settings } = context;
  const session = await rotateSession(db.kysely, settings, request, reply, user.id);
  setSessionValue(session, SECOND_FACTOR, options.secondFactor);
  setSessionValue(session, LOGIN_METHOD, options.method);
  await transaction(db.kysely, async (tx) => {
    await recordLogin(tx, user.id);
    await recordSecurityEvent(tx, { event: 'login', userId: user.id, detail: { method: options.method }, ...originOf(request) });
  });
}

/** Field errors carry message keys (zod messages); this translates them for the page's language. */
export function translated(request: FastifyRequest, errors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([field, keys]) => [field, keys?.map((key) => request.t(key))]));
}

/**
 * Per-address request ceilings (@fastify/rate-limit, in Redis when configured) in front of the
 * credential checks; the database lockouts above are what stops guessing, this only caps floods.
 */
export const PASSWORD_RATE = { config: { rateLimit: { max: 30, timeWindow: 60_000 } } };
export const CEREMONY_RATE = { config: { rateLimit: { max: 300, timeWindow: 60_000 } } };
