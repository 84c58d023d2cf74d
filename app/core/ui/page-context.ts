import type { FastifyRequest } from 'fastify';
import type { CurrentUser } from '../http/types.js';
import type { FlashMessage } from '../http/sessions.js';
import type { Language, Translate } from './i18n.js';
import { navigationFor } from './navigation.js';
import type { Navigation } from './navigation.js';

/** Everything a layout needs from the request, gathered once per page. */
export interface PageContext {
  t: Translate;
  language: Language;
  csrfToken: string;
  user: CurrentUser | null;
  flashes: FlashMessage[];
  path: string;
  /** The signed-in person's navigation (null for anonymous visitors). */
  navigation: Navigation | null;
}

/**
 * `forms: true` creates a session when there is none (pages with a form, e.g. login). Other pages reuse
 * an existing session's token and create nothing, so anonymous visitors cost no session row.
 */
export async function pageContext(request: FastifyRequest, options: { forms?: boolean; navigation?: boolean } = {}): Promise<PageContext> {
  return {
    t: request.t,
    language: request.language,
    csrfToken: request.session || options.forms ? await request.csrfToken() : '',
    user: request.user,
    flashes: request.takeFlashes(),
    path: request.url.split('?')[0] ?? '/',
    navigation: options.navigation === false ? null : await navigationFor(request),
  };
}
