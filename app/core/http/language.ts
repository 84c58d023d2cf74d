import type { FastifyRequest } from 'fastify';
import { negotiateLanguage, translator } from '../ui/i18n.js';
import type { Language } from '../ui/i18n.js';
import './types.js';

export const LANGUAGE_COOKIE = 'nadooit_language';

/** Sets request.language and request.t: the session's choice, else the language cookie, else Accept-Language, else `fallback`. */
export function applyLanguage(request: FastifyRequest, fallback: Language): void {
  const cookie = request.cookies[LANGUAGE_COOKIE];
  const chosen = (request.session?.data.language as Language | undefined) ?? (cookie === 'en' || cookie === 'de' ? cookie : undefined);
  request.language = chosen ?? negotiateLanguage(request.headers['accept-language'], fallback);
  request.t = translator(request.language);
}
