import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { DomainError } from '../core/errors.js';
import { HttpError, codeForStatus } from '../core/http/errors.js';
import { negotiateLanguage, translator } from '../core/ui/i18n.js';
import type { Language, Translate } from '../core/ui/i18n.js';
import { BookingRefused } from '../nadooit_api_executions_system/errors.js';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * The language of an API answer: the request's Accept-Language, else the visitor's chosen language (session,
 * cookie) or the site's default. Every message of one answer is in it; codes never change with it.
 */
export function apiLanguage(request: FastifyRequest): Language {
  const header = request.headers['accept-language'];
  return header ? negotiateLanguage(header, request.language) : request.language;
}

/** The catalog text for a code ("api.error.code.not_found"), or the one for its status class. */
function codeMessage(t: Translate, code: string, status: number): string {
  const key = `api.error.code.${code}`;
  const text = t(key);
  return text === key ? t(status >= 500 ? 'api.error.code.internal_error' : 'api.error.code.error') : text;
}

/**
 * The message of a refusal in `language`: its catalog text when it names one. Else a service's refusal
 * (DomainError) speaks German (core/errors.ts) and the platform's own (rate limits …) English: its text when
 * that is the reader's language, the code's text otherwise.
 */
function refusalMessage(error: HttpError, language: Language, t: Translate): string {
  if (error.messageKey) return t(error.messageKey, error.messageParams);
  return speaks(error, language) ? error.message : codeMessage(t, error.code, error.statusCode);
}

function speaks(error: HttpError, language: Language): boolean {
  return language === (error instanceof DomainError ? 'de' : 'en');
}

/** Details of a service refusal as field errors, when the service named a field (messages as the refusal's). */
function fieldDetails(error: HttpError, message: string, language: Language, t: Translate): FieldError[] | undefined {
  const details = error.details;
  if (Array.isArray(details)) {
    return details
      .filter((d): d is FieldError => typeof d?.field === 'string' && typeof d?.message === 'string')
      .map((d) => ({ field: d.field, message: speaks(error, language) ? d.message : t('api.error.field_invalid') }));
  }
  if (details && typeof details === 'object' && typeof (details as { field?: unknown }).field === 'string') {
    return [{ field: (details as { field: string }).field, message }];
  }
  return undefined;
}

/** A schema violation of one field: zod's own (English) text, or the catalog's text for its issue code. */
function validationMessage(v: { keyword?: string; message?: string }, language: Language, t: Translate): string {
  if (language === 'en' && v.message) return v.message;
  const key = `api.error.zod.${v.keyword ?? ''}`;
  const text = t(key);
  return text === key ? t('api.error.field_invalid') : text;
}

/**
 * Every /api/v1 error as `{error: {code, message, details?}}` with every message in one language (apiLanguage);
 * schema violations as 400 with one entry per field.
 */
export async function apiErrorHandler(error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply) {
  const language = apiLanguage(request);
  const t = translator(language);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext ?? 'body';
    const details = error.validation.map((v) => ({
      field: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: validationMessage(v, language, t),
    }));
    return reply.code(400).send({ error: { code: 'validation_error', message: t('api.error.validation'), details } });
  }
  if (error instanceof BookingRefused) {
    return reply.code(error.statusCode).send({ error: { code: error.code, message: t(`executions.error.${error.refusal}`, error.params) } });
  }
  if (error instanceof HttpError) {
    const message = refusalMessage(error, language, t);
    const details = fieldDetails(error, message, language, t);
    return reply.code(error.statusCode).send({ error: { code: error.code, message, ...(details?.length ? { details } : {}) } });
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500 || isResponseSerializationError(error)) {
    request.log.error({ err: error }, 'REST API request failed');
    return reply.code(500).send({ error: { code: 'internal_error', message: t('api.error.code.internal_error') } });
  }
  // Fastify's own refusals (FST_ERR_*) speak English; other readers get the code's text in their language.
  const code = codeForStatus(status);
  return reply.code(status).send({ error: { code, message: language === 'en' ? error.message : codeMessage(t, code, status) } });
}

/** An /api/v1 path without a route: the envelope, like every other answer of the scope. */
export async function apiNotFound(request: FastifyRequest, reply: FastifyReply) {
  const t = translator(apiLanguage(request));
  return reply.code(404).send({ error: { code: 'not_found', message: t('api.error.no_route', { method: request.method, path: request.url.split('?')[0]! }) } });
}
