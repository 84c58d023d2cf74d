import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { LEGACY_USERS_CHECK_ERRORS, parseKeyFromRequest } from './api-keys.js';
import { verifyPresentedKey } from './rate-limit.js';
import { legacyString } from './fields.js';
import { findUserByExactCode } from '../../nadooit_auth/services/users.js';
import { sharesCustomer } from '../../nadooit_hr/permissions.js';


/**
 * POST /api/users/check (legacy-core §5.2). Unlike the original, a caller learns about a user code only
 * when that person shares a customer with them (S7); anyone else "does not exist".
 */
export async function checkUser(context: AppContext, request: FastifyRequest, reply: FastifyReply) {
  const db = context.db.kysely;
  const { key } = parseKeyFromRequest(request);
  const verified = await verifyPresentedKey(db, key, legacyString(request, 'NADOOIT__USER_CODE'));
  if (!verified.ok) {
    const failure = LEGACY_USERS_CHECK_ERRORS[verified.reason];
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
