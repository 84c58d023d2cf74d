import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import type { AppContext } from '../../core/app-module.js';
import { HttpError } from '../../core/http/errors.js';
import { sha256Hex } from '../../core/http/tokens.js';
import { LEGACY_EXECUTIONS_ERRORS, parseKeyFromRequest, verifyApiKey } from '../../nadooit_api_key/services.js';
import { BookingRefused } from '../errors.js';
import { bookExecution } from '../services/booking.js';
import { bookingBody } from '../services/responses.js';
import { canonicalUuid, legacyField, legacyString, parseTimeSaved } from './fields.js';
import { checkUser } from './users-check.js';
import { apiRateLimit } from './rate-limit.js';

const LEGACY_PATHS = ['/api/executions', '/api/users/check'];

const invalidRequest = (reply: FastifyReply, detail?: string) =>
  reply.code(400).send(detail ? { error: 'Invalid request', detail } : { error: 'Invalid request' });

/** True when the key owner has an active employee contract with the customer (legacy-core §5.1 check 7). */
async function isEmployeeOf(context: AppContext, userId: string, customerId: string | null): Promise<boolean> {
  if (!customerId) return false;
  const row = await context.db.kysely
    .selectFrom('hr_employee_contracts as c')
    .innerJoin('hr_employees as e', 'e.id', 'c.employee_id')
    .where('e.user_id', '=', userId)
    .where('c.customer_id', '=', customerId)
    .where('c.is_active', '=', true)
    .select('c.id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * POST /api/executions — wire-compatible with the original (legacy-core §5.1): the same checks in the same
 * order with the same status codes and bodies, plus the fixes of issue 4 (time_saved range, inactive
 * programs, idempotency, one transaction) and a richer 200 body that keeps `"success": "Execution created"`.
 */
async function createExecution(context: AppContext, request: FastifyRequest, reply: FastifyReply) {
  const { db, settings } = context;
  const { key } = parseKeyFromRequest(request);
  if (typeof key !== 'string') return invalidRequest(reply); // 1
  const userCode = legacyString(request, 'NADOOIT__USER_CODE');
  const verified = await verifyApiKey(db.kysely, key, userCode); // 2, 3, 4
  if (!verified.ok) {
    const failure = LEGACY_EXECUTIONS_ERRORS[verified.reason];
    return reply.code(failure.status).send({ error: failure.error });
  }
  const programId = canonicalUuid(legacyField(request, 'program_id'));
  if (!programId) return invalidRequest(reply); // 5
  const program = await db.kysely
    .selectFrom('pos_customer_programs')
    .select(['id', 'customer_id', 'is_active'])
    .where('id', '=', programId)
    .executeTakeFirst();
  if (!program) return reply.code(400).send({ error: 'Program does not exist' }); // 6
  if (!(await isEmployeeOf(context, verified.userId, program.customer_id))) {
    return reply.code(400).send({ error: 'User is not an employee of the company' }); // 7
  }
  if (verified.customerId && verified.customerId !== program.customer_id) {
    return reply.code(403).send({ error: request.t('executions.error.key_other_customer') });
  }
  const timeSaved = parseTimeSaved(legacyField(request, 'time_saved'));
  const max = settings.maxTimeSavedSeconds;
  if (timeSaved.kind === 'not_a_whole_number') {
    return invalidRequest(reply, request.t('executions.error.invalid_time_saved', { max })); // 8
  }
  if (timeSaved.kind === 'seconds' && (timeSaved.seconds < 0 || timeSaved.seconds > max)) {
    return reply.code(400).send({ error: request.t('executions.error.invalid_time_saved', { max }) });
  }
  if (!program.is_active) return reply.code(400).send({ error: request.t('executions.error.program_inactive') });

  const header = request.headers['idempotency-key'];
  const idempotencyKey = (Array.isArray(header) ? header[0] : header) ?? legacyString(request, 'idempotency_key');
  try {
    const { execution, replayed } = await bookExecution(db.kysely, {
      customerProgramId: program.id,
      timeSavedSeconds: timeSaved.kind === 'seconds' ? timeSaved.seconds : null,
      maxTimeSavedSeconds: max,
      userId: verified.userId,
      apiKeyId: verified.keyId,
      idempotencyKey,
    });
    if (replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(200).send({ success: 'Execution created', ...bookingBody(execution) });
  } catch (error) {
    if (!(error instanceof BookingRefused)) throw error;
    if (error.refusal === 'program_not_found') return reply.code(400).send({ error: 'Program does not exist' });
    if (error.refusal === 'program_without_customer') return reply.code(400).send({ error: 'User is not an employee of the company' });
    return reply.code(error.statusCode).send({ error: request.t(`executions.error.${error.refusal}`, error.params) });
  }
}

/** DRF's 405 body for the other methods. */
async function methodNotAllowed(request: FastifyRequest, reply: FastifyReply) {
  return reply.code(405).header('allow', 'POST, OPTIONS').send({ detail: `Method "${request.method}" not allowed.` });
}

/** Errors thrown before or outside the handlers (bad JSON, CSRF, rate limit) in the legacy body shape. */
function legacyErrorHandler() {
  return async (error: Error & { statusCode?: number; code?: string }, request: FastifyRequest, reply: FastifyReply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'legacy API request failed');
      return reply.code(500).send({ error: 'Internal server error' });
    }
    if (error instanceof HttpError && error.code === 'csrf_failed') return reply.code(403).send({ detail: `CSRF Failed: ${error.message}` });
    if (status === 429) return reply.code(429).send({ error: request.t('executions.error.rate_limited') });
    if (status === 413 || status === 415) return reply.code(status).send({ detail: error.message });
    return invalidRequest(reply);
  };
}

export async function legacyApiRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  await app.register(async (scope) => {
    // Multipart only here (bots post files nowhere, but DRF accepted multipart forms).
    await scope.register(fastifyMultipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fields: 50, fieldSize: 64 * 1024, files: 5, fileSize: 1024 * 1024, parts: 60 },
    });
    scope.setErrorHandler(legacyErrorHandler());
    const rateLimit = apiRateLimit(context.settings, (request) => {
      const { key } = parseKeyFromRequest(request);
      return typeof key === 'string' ? `key:${sha256Hex(key)}` : `ip:${request.ip}`;
    });
    scope.post('/api/executions', { config: { csrf: 'session-only', rateLimit } }, (request, reply) => createExecution(context, request, reply));
    scope.post('/api/users/check', { config: { csrf: 'session-only', rateLimit } }, (request, reply) => checkUser(context, request, reply));
    for (const url of LEGACY_PATHS) {
      scope.route({ method: ['GET', 'PUT', 'PATCH', 'DELETE'], url, config: { csrf: false }, handler: methodNotAllowed });
    }
  });
}
