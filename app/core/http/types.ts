import type { Language, Translate } from '../ui/i18n.js';
import type { FlashMessage, SessionHandle } from './sessions.js';

/** The signed-in person as every page and route sees it; filled in by the auth app's user resolver. */
export interface CurrentUser {
  id: string;
  displayName: string;
  userCode: string;
  isStaff: boolean;
  isSuperuser: boolean;
  /** Staff sessions only count as authenticated for the admin once the second factor passed. */
  secondFactorVerified: boolean;
}

export type UserResolver = (userId: string, session: SessionHandle) => Promise<CurrentUser | null>;

/**
 * csrf: true (default) checks every unsafe request; 'session-only' checks only requests that present a
 * session cookie (API routes that bots call with keys); false disables it.
 */
export type CsrfMode = boolean | 'session-only';

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionHandle | null;
    user: CurrentUser | null;
    language: Language;
    t: Translate;
    /** Ensures a session exists (creating an anonymous one if needed) and returns its CSRF token. */
    csrfToken(): Promise<string>;
    /** Queues a message for the next rendered page. */
    flash(kind: FlashMessage['kind'], text: string): Promise<void>;
    /** Takes (and clears) the queued messages. */
    takeFlashes(): FlashMessage[];
  }
  interface FastifyReply {
    html(markup: string | Buffer | Promise<string>, status?: number): FastifyReply;
  }
  interface FastifyContextConfig {
    csrf?: CsrfMode;
  }
  interface FastifyInstance {
    userResolver: UserResolver | null;
  }
}
