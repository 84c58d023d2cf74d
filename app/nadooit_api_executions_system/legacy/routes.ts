import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import type { AppContext } from '../../core/app-module.js';
import { HttpError } from '../../core/http/errors.js';
import { LEGACY_EXECUTIONS_ERRORS, parseKeyFromRequest } from './api-keys.js';
import { BookingRefused } from '../errors.js';
import { bookExecution } from '../services/booking.js';
import { customerProgramForBooking, employedForBooking } from '../services/booking-checks.js';
import { bookingBody } from '../services/responses.js';
import { canonicalUuid, legacyField, legacyString, parseTimeSaved } from './fields.js';
import { checkUser } from './users-check.js';
import { apiRateLimit, keyOrAddressBucket, verifyPresentedKey } from './rate-limit.js';

const LEGACY_PATHS = ['/api/executions', '/api/users/check'];

const invalidRequest = (reply: FastifyReply, detail?: string) =>
  reply.code(400).send(detail ? { error: 'Invalid request', detail } : { error: 'Invalid request' });


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
  const verified = await verifyPresentedKey(db.kysely, key, userCode); // 2, 3, 4
  if (!verified.ok) {
    const failure = LEGACY_EXECUTIONS_ERRORS[verified.reason];
    return reply.code(failure.status).send({ error: failure.error });
  }
  const programId = canonicalUuid(legacyField(request, 'program_id'));
  if (!programId) return invalidRequest(reply); // 5
  const program = await customerProgramForBooking(db.kysely, programId);
  if (!program) return reply.code(400).send({ error: 'Program does not exist' }); // 6
  if (!program.customer_id || !(await employedForBooking(db.kysely, verified.userId, program.customer_id))) {
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

const ALLOW = 'POST, OPTIONS';

/** DRF's 405 body for the other methods. */
async function methodNotAllowed(request: FastifyRequest, reply: FastifyReply) {
  return reply.code(405).header('allow', ALLOW).send({ detail: `Method "${request.method}" not allowed.` });
}

/** OPTIONS answers what the Allow header promises, with DRF's metadata body. */
async function describeEndpoint(request: FastifyRequest, reply: FastifyReply) {
  return reply.header('allow', ALLOW).send({
    name: request.url.startsWith('/api/users') ? 'Check User' : 'Create Execution',
    renders: ['application/json'],
    parses: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
  });
}

/**
 * Multipart fields as the body (files as Buffers). Parsing is ours rather than the plugin's
 * attachFieldsToBody, so a malformed body — garbage, truncated, no boundary — is a 400 in the legacy
 * shape instead of a parser exception; limit errors keep their own status (413).
 */
async function multipartBody(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const fields: Record<string, string | Buffer> = {};
  try {
    for await (const part of request.parts()) {
      fields[part.fieldname] = part.type === 'file' ? await part.toBuffer() : String(part.value);
    }
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) throw error;
    throw new HttpError(400, 'invalid_multipart', `Malformed multipart body: ${(error as Error).message}`);
  }
  request.body = fields;
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
    return invalidRequest(reply, error instanceof HttpError ? error.message : undefined);
  };
}

export async function legacyApiRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  await app.register(async (scope) => {
    // Multipart only here (bots post files nowhere, but DRF accepted multipart forms).
    await scope.register(fastifyMultipart, {
      limits: { fields: 50, fieldSize: 64 * 1024, files: 5, fileSize: 1024 * 1024, parts: 60 },
    });
    scope.addHook('preValidation', multipartBody);
    scope.setErrorHandler(legacyErrorHandler());
    const rateLimit = apiRateLimit(context.settings, (request) => keyOrAddressBucket(request, parseKeyFromRequest(request).key));
    scope.post('/api/executions', { config: { csrf: 'session-only', rateLimit } }, (request, reply) => createExecution(context, request, reply));
    scope.post('/api/users/check', { config: { csrf: 'session-only', rateLimit } }, (request, reply) => checkUser(context, request, reply));
    for (const url of LEGACY_PATHS) {
      scope.route({ method: ['GET', 'PUT', 'PATCH', 'DELETE'], url, config: { csrf: false }, handler: methodNotAllowed });
      scope.route({ method: 'OPTIONS', url, config: { csrf: false }, handler: describeEndpoint });
    }
  });
}
