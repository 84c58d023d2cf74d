import type { FastifyRequest } from 'fastify';
import { setSessionValue } from '../../core/http/sessions.js';
import type { SessionHandle } from '../../core/http/sessions.js';
import { decryptSecret, encryptSecret } from '../services/secrets.js';

/** Session keys of the auth app (session data is JSON in core_sessions). */
const CHALLENGE = 'auth.challenge';
const PENDING_STAFF = 'auth.pendingStaff';
const PENDING_TOTP = 'auth.pendingTotp';
const RECOVERY_CODES = 'auth.recoveryCodes';
export const SECOND_FACTOR = 'auth.secondFactor';
export const LOGIN_METHOD = 'auth.method';

const CHALLENGE_SECONDS = 5 * 60;
const PENDING_STAFF_SECONDS = 10 * 60;

export type ChallengePurpose = 'login' | 'passkey' | 'register' | 'enrol' | 'staff' | 'staff-enrol';

export interface PendingChallenge {
  purpose: ChallengePurpose;
  challenge: string;
  userId?: string | null;
  code?: string;
  tokenId?: string;
  name?: string;
  expiresAt: number;
}

/** Ensures a session (anonymous if needed) and remembers one WebAuthn challenge in it. */
export async function storeChallenge(request: FastifyRequest, value: Omit<PendingChallenge, 'expiresAt'>): Promise<void> {
  await request.csrfToken();
  setSessionValue(request.session!, CHALLENGE, { ...value, expiresAt: Date.now() + CHALLENGE_SECONDS * 1000 });
}

/** A challenge is answered once: taking it removes it, whatever the outcome. */
export function takeChallenge(request: FastifyRequest, purpose: ChallengePurpose): PendingChallenge | null {
  const session = request.session;
  const value = session?.data[CHALLENGE] as PendingChallenge | undefined;
  if (!session || !value) return null;
  setSessionValue(session, CHALLENGE, undefined);
  if (value.purpose !== purpose || value.expiresAt < Date.now()) return null;
  return value;
}

export interface PendingStaff {
  userId: string;
  next: string;
  expiresAt: number;
}

/** Password accepted, second factor (or its enrolment) still to come. */
export function setPendingStaff(session: SessionHandle, userId: string, next: string): void {
  setSessionValue(session, PENDING_STAFF, { userId, next, expiresAt: Date.now() + PENDING_STAFF_SECONDS * 1000 });
}

export function pendingStaff(request: FastifyRequest): PendingStaff | null {
  const value = request.session?.data[PENDING_STAFF] as PendingStaff | undefined;
  if (!value || value.expiresAt < Date.now()) return null;
  return value;
}

/** The authenticator secret being set up lives (encrypted) in the session until a code confirms it. */
export function pendingTotpSecret(request: FastifyRequest, secretKey: string): string | null {
  const sealed = request.session?.data[PENDING_TOTP] as string | undefined;
  return sealed ? decryptSecret(secretKey, 'pending-totp', sealed) : null;
}

export function setPendingTotpSecret(session: SessionHandle, secretKey: string, secret: string): void {
  setSessionValue(session, PENDING_TOTP, encryptSecret(secretKey, 'pending-totp', secret));
}

export function stashRecoveryCodes(session: SessionHandle, secretKey: string, codes: string[]): void {
  setSessionValue(session, RECOVERY_CODES, encryptSecret(secretKey, 'recovery-display', JSON.stringify(codes)));
}

/** Recovery codes are shown exactly once. */
export function takeRecoveryCodes(request: FastifyRequest, secretKey: string): string[] | null {
  const session = request.session;
  const sealed = session?.data[RECOVERY_CODES] as string | undefined;
  if (!session || !sealed) return null;
  setSessionValue(session, RECOVERY_CODES, undefined);
  const plain = decryptSecret(secretKey, 'recovery-display', sealed);
  return plain ? (JSON.parse(plain) as string[]) : null;
}
