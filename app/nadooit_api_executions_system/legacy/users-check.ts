import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { parseKeyFromRequest } from './api-keys.js';
import { verifyPresentedKey } from './rate-limit.js';
import type { ApiKeyFailure } from '../../nadooit_api_key/services/index.js';
import { legacyString } from './fields.js';
import { findUserByExactCode } from '../../nadooit_auth/services/users.js';
import { sharesCustomer } from '../../nadooit_hr/permissions.js';

/** The original's bodies for a failed caller check (legacy-core §5.2; note 400 for an unknown key). */
const CALLER_ERRORS: Record<ApiKeyFailure, { status: number; error: string }> = {
  missing: { status: 400, error: 'Invalid request' },
  unknown: { status: 400, error: 'Invalid request' },
  revoked: { status: 403, error: 'Your API Key is not valid' },
  expired: { status: 403, error: 'Your API Key is not valid' },
  user_code_mismatch: { status: 403, error: 'Your User code is not valid' },
  // Unreachable in the original (inactive owners passed); the intended check.
  user_inactive: { status: 403, error: 'Your User is not active' },
};


/**
 * POST /api/users/check (legacy-core §5.2). Unlike the original, a caller learns about a user code only
 * when that person shares a customer with them (S7); anyone else "does not exist".
 */
export async function checkUser(context: AppContext, request: FastifyRequest, reply: FastifyReply) {
  const db = context.db.kysely;
  const { key } = parseKeyFromRequest(request);
  const verified = await verifyPresentedKey(db, key, legacyString(request, 'NADOOIT__USER_CODE'));
  if (!verified.ok) {
    const failure = CALLER_ERRORS[verified.reason];
    return reply.code(failure.status).send({ error: failure.error });
  }
  const code = legacyString(request, 'NADOOIT__USER_CODE_TO_CHECK');
  const target = code ? await findUserByExactCode(db, code) : undefined;
  if (!target || !(await sharesCustomer(db, verified.userId, target.id))) {
    return reply.code(400).send({ error: 'User does not exist' });
  }
  if (!target.is_active) return reply.code(400).send({ success: 'User to check is not active' });
  return reply.code(200).send({ success: 'User to check is active' });
}
