import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { transaction } from '../../core/db/transaction.js';
import { pageContext } from '../../core/ui/page-context.js';
import { POLICIES } from '../services/throttle.js';
import { consumeToken, findValidToken, linkSpent } from '../services/tokens.js';
import type { AuthTokensTable } from '../models.js';
import { findUserById } from '../services/users.js';
import type { User } from '../services/users.js';
import { EnrolPage, InvalidLinkPage } from '../views/enrol.js';
import { beginRegistration, finishRegistration, registrationBody } from './ceremony.js';
import { CEREMONY_RATE, audit, completeLogin, countFailure, isLocked, jsonError } from './respond.js';
import { takeChallenge } from './state.js';

export const AFTER_ENROLMENT = '/auth/keys';

export function enrolRoutes(app: FastifyInstance, context: AppContext): void {
  const db = context.db.kysely;

  /**
   * The token's person, or why not: 'locked' (too many bad links from this address) or 'invalid'
   * (unknown, used, expired, or a first-key link of a person who has a key by now — one answer for all;
   * each counts as a failure).
   */
  async function resolve(request: FastifyRequest): Promise<{ token: AuthTokensTable; user: User } | 'locked' | 'invalid'> {
    const attempt = { policy: POLICIES.token, subject: request.ip };
    if (await isLocked(context, request, attempt)) return 'locked';
    const { token } = request.params as { token: string };
    const row = await findValidToken(db, 'enrolment', token);
    const user = row?.user_id ? await findUserById(db, row.user_id) : undefined;
    if (!row || !user?.is_active || (await linkSpent(db, row))) {
      await countFailure(context, request, attempt, null, { reason: 'invalid enrolment link' }, 'enrolment_token_invalid');
      return 'invalid';
    }
    return { token: row, user };
  }

  const refuse = async (request: FastifyRequest, reply: FastifyReply, outcome: 'locked' | 'invalid') => {
    const ctx = await pageContext(request);
    return reply.html(<InvalidLinkPage ctx={ctx} locked={outcome === 'locked'} />, outcome === 'locked' ? 429 : 404);
  };

  app.get('/auth/enrol/:token', CEREMONY_RATE, async (request, reply) => {
    const found = await resolve(request);
    if (typeof found === 'string') return refuse(request, reply, found);
    const ctx = await pageContext(request, { forms: true });
    const { token } = request.params as { token: string };
    reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
    return reply.html(<EnrolPage ctx={ctx} token={token} displayName={found.user.display_name} userCode={found.user.user_code} />);
  });

  app.post('/auth/enrol/:token/options', CEREMONY_RATE, async (request, reply) => {
    const found = await resolve(request);
    if (typeof found === 'string') return jsonError(request, reply, found === 'locked' ? 429 : 404, found === 'locked' ? 'auth.locked' : 'auth.enrol.invalid');
    return reply.send({ options: await beginRegistration(context, request, found.user, 'enrol', { tokenId: found.token.id }) });
  });

  app.post('/auth/enrol/:token/verify', CEREMONY_RATE, async (request, reply) => {
    const challenge = takeChallenge(request, 'enrol');
    const parsed = registrationBody.safeParse(request.body);
    const found = await resolve(request);
    if (typeof found === 'string') return jsonError(request, reply, found === 'locked' ? 429 : 404, found === 'locked' ? 'auth.locked' : 'auth.enrol.invalid');
    if (!challenge || challenge.tokenId !== found.token.id || !parsed.success) return jsonError(request, reply, 400, 'auth.login.expired');
    const key = await transaction(db, async (tx) => {
      // The conditional update makes the link single-use even with two tabs racing; a first-key link is
      // checked again inside the transaction, right before the key is stored.
      if ((await linkSpent(tx, found.token)) || !(await consumeToken(tx, found.token.id))) return null;
      return finishRegistration(context, tx, request, challenge, parsed.data.credential);
    });
    if (!key) return jsonError(request, reply, 400, 'auth.webauthn.failed');
    await audit(context, request, 'key_added', found.user.id, { key: key.id, name: key.name, via: 'enrolment link' }, found.token.created_by);
    await completeLogin(context, request, reply, found.user, { method: 'enrolment', secondFactor: false });
    await request.flash('success', request.t('auth.enrol.done'));
    return reply.send({ redirect: AFTER_ENROLMENT });
  });
}
