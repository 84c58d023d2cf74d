import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { HttpError, codeForStatus } from '../core/http/errors.js';
import { BookingRefused } from '../nadooit_api_executions_system/errors.js';

export interface FieldError {
  field: string;
  message: string;
}

/** Details of a service refusal as field errors, when the service named a field. */
function fieldDetails(details: unknown, message: string): FieldError[] | undefined {
  if (Array.isArray(details)) return details.filter((d): d is FieldError => typeof d?.field === 'string' && typeof d?.message === 'string');
  if (details && typeof details === 'object' && typeof (details as { field?: unknown }).field === 'string') {
    return [{ field: (details as { field: string }).field, message }];
  }
  return undefined;
}

/** Every /api/v1 error as `{error: {code, message, details?}}`; schema violations as 400 with one entry per field. */
export async function apiErrorHandler(error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext ?? 'body';
    const details = error.validation.map((v) => ({
      field: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'invalid',
    }));
    return reply.code(400).send({ error: { code: 'validation_error', message: request.t('api.error.validation'), details } });
  }
  if (error instanceof BookingRefused) {
    return reply.code(error.statusCode).send({ error: { code: error.code, message: request.t(`executions.error.${error.refusal}`, error.params) } });
  }
  if (error instanceof HttpError) {
    const details = fieldDetails(error.details, error.message);
    return reply.code(error.statusCode).send({ error: { code: error.code, message: error.message, ...(details?.length ? { details } : {}) } });
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500 || isResponseSerializationError(error)) {
    request.log.error({ err: error }, 'REST API request failed');
    return reply.code(500).send({ error: { code: 'internal_error', message: 'Internal server error' } });
  }
  return reply.code(status).send({ error: { code: codeForStatus(status), message: error.message } });
}

/** An /api/v1 path without a route: the envelope, like every other answer of the scope. */
export async function apiNotFound(request: FastifyRequest, reply: FastifyReply) {
  return reply.code(404).send({ error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` } });
}
