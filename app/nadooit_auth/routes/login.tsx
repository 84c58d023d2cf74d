import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { AppContext } from '../../core/app-module.js';
import { localPath, optionalLocalPath } from '../../core/http/redirects.js';
import { destroySession } from '../../core/http/sessions.js';
import { hmac } from '../../core/http/tokens.js';
import { formString } from '../../core/ui/forms.js';
import { pageContext } from '../../core/ui/page-context.js';
import { enabledCredentials, findCredentialById, recordCredentialUse } from '../services/credentials.js';
import type { Credential } from '../services/credentials.js';
import { POLICIES, clearFailures } from '../services/throttle.js';
import { findUserByCode, findUserById, normaliseUserCode } from '../services/users.js';
import type { User } from '../services/users.js';
import { allowListOf, authenticationOptions, verifyAuthentication } from '../services/webauthn.js';
import { LoginPage, LogoutPage } from '../views/login.js';
import { CEREMONY_RATE, audit, completeLogin, countFailure, isLocked, jsonError } from './respond.js';
import { storeChallenge, takeChallenge } from './state.js';
import type { PendingChallenge } from './state.js';

export const DEFAULT_AFTER_LOGIN = '/nadooit-os/';

const credentialSchema = z.custom<AuthenticationResponseJSON>(
  (value) => typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string',
);
const verifyBody = z.object({ credential: credentialSchema, next: z.string().max(2000).optional() });
const codeBody = z.object({ user_code: z.string().max(64) });

function nextOf(request: FastifyRequest): string | undefined {
  const next = (request.query as Record<string, unknown>)?.next;
  return optionalLocalPath(next);
}

/**
 * For an unknown code, or a person without an enabled key, the options look the same as for a real
 * one: one credential id, derived from the code so repeated requests agree.
 */
function decoyAllowList(secretKey: string, code: string) {
  return [{ id: hmac(secretKey, `decoy-credential:${code}`) }];
}

/**
 * Checks an assertion against a stored, enabled key of an active person; null on any mismatch. Without an
 * expected user (the usernameless passkey login) the key is the only factor and must have verified its user.
 */
export async function verifiedKeyLogin(
  context: AppContext,
  request: FastifyRequest,
  challenge: PendingChallenge,
  response: AuthenticationResponseJSON,
  expectedUserId: string | null,
): Promise<{ user: User; credential: Credential } | null> {
  const db = context.db.kysely;
  const credential = await findCredentialById(db, response.id);
  if (!credential || !credential.is_enabled) return null;
  if (expectedUserId !== null && credential.user_id !== expectedUserId) return null;
  const user = await findUserById(db, credential.user_id);
  if (!user?.is_active) return null;
  let counter: number | null;
  try {
    counter = await verifyAuthentication(context.settings, response, challenge.challenge, credential, expectedUserId === null);
  } catch (error) {
    if (/counter/i.test((error as Error).message)) {
      await audit(context, request, 'key_counter_mismatch', user.id, { key: credential.id });
    }
    return null;
  }
  if (counter === null) return null;
  await recordCredentialUse(db, credential.id, counter);
  return { user, credential };
}

export function loginRoutes(app: FastifyInstance, context: AppContext): void {
  const { settings } = context;
  const db = context.db.kysely;
  const devLogin = settings.insecureDevLogin && settings.debug;

  const renderLogin = async (request: FastifyRequest, reply: FastifyReply, status = 200, extra: { userCode?: string; errors?: Record<string, string[]> } = {}) => {
    const ctx = await pageContext(request, { forms: true });
    return reply.html(<LoginPage ctx={ctx} next={nextOf(request) ?? formNext(request)} devLogin={devLogin} {...extra} />, status);
  };

  app.get('/auth/login-user', async (request, reply) => {
    if (request.user) return reply.redirect(nextOf(request) ?? DEFAULT_AFTER_LOGIN);
    return renderLogin(request, reply);
  });

  // Without JavaScript the form arrives here with the code alone: refused, unless the development switch is on.
  app.post('/auth/login-user', CEREMONY_RATE, async (request, reply) => {
    const code = normaliseUserCode(formString(request.body, 'user_code'));
    if (!code) return renderLogin(request, reply, 422, { errors: { user_code: [request.t('auth.login.code_required')] } });
    if (devLogin) {
      const user = await findUserByCode(db, code);
      if (user?.is_active) {
        await completeLogin(context, request, reply, user, { method: 'dev-code', secondFactor: false });
        return reply.redirect(localPath(formString(request.body, 'next'), DEFAULT_AFTER_LOGIN));
      }
    }
    return renderLogin(request, reply, 400, { userCode: code, errors: { _form: [request.t('auth.login.key_required')] } });
  });

  app.post('/auth/login-user/options', CEREMONY_RATE, async (request, reply) => {
    const parsed = codeBody.safeParse(request.body);
    const code = parsed.success ? normaliseUserCode(parsed.data.user_code) : '';
    if (!code) return jsonError(request, reply, 422, 'auth.login.code_required');
    const attempt = { policy: POLICIES.userCode, subject: code };
    if (await isLocked(context, request, attempt)) return jsonError(request, reply, 429, 'auth.locked');
    const user = await findUserByCode(db, code);
    const keys = user?.is_active ? await enabledCredentials(db, user.id) : [];
    const allow = keys.length ? allowListOf(keys).map(({ id }) => ({ id })) : decoyAllowList(settings.secretKey, code);
    const options = await authenticationOptions(settings, allow);
    await storeChallenge(request, { purpose: 'login', challenge: options.challenge, userId: keys.length ? user!.id : null, code });
    return reply.send({ options });
  });

  app.post('/auth/login-user/verify', CEREMONY_RATE, async (request, reply) => {
    const parsed = verifyBody.safeParse(request.body);
    const challenge = takeChallenge(request, 'login');
    if (!parsed.success || !challenge?.code) return jsonError(request, reply, 400, 'auth.login.expired');
    const attempt = { policy: POLICIES.userCode, subject: challenge.code };
    if (await isLocked(context, request, attempt)) return jsonError(request, reply, 429, 'auth.locked');
    const result = challenge.userId ? await verifiedKeyLogin(context, request, challenge, parsed.data.credential, challenge.userId) : null;
    if (!result) {
      await countFailure(context, request, attempt, challenge.userId ?? null, { method: 'key', code: challenge.code });
      return jsonError(request, reply, 401, 'auth.login.failed');
    }
    await clearFailures(db, POLICIES.userCode, challenge.code);
    await completeLogin(context, request, reply, result.user, { method: 'key', secondFactor: false });
    return reply.send({ redirect: localPath(parsed.data.next, DEFAULT_AFTER_LOGIN) });
  });

  app.post('/auth/passkey/options', CEREMONY_RATE, async (request, reply) => {
    if (await isLocked(context, request, null)) return jsonError(request, reply, 429, 'auth.locked');
    const options = await authenticationOptions(settings);
    await storeChallenge(request, { purpose: 'passkey', challenge: options.challenge });
    return reply.send({ options });
  });

  app.post('/auth/passkey/verify', CEREMONY_RATE, async (request, reply) => {
    const parsed = verifyBody.safeParse(request.body);
    const challenge = takeChallenge(request, 'passkey');
    if (!parsed.success || !challenge) return jsonError(request, reply, 400, 'auth.login.expired');
    if (await isLocked(context, request, null)) return jsonError(request, reply, 429, 'auth.locked');
    const response = parsed.data.credential;
    const result = await verifiedKeyLogin(context, request, challenge, response, null);
    // A discoverable credential names its owner; it must be the owner of the stored key.
    const handle = response.response?.userHandle;
    const handleMatches = !handle || (result && Buffer.from(handle, 'base64url').toString('utf8') === result.user.id);
    if (!result || !handleMatches) {
      await countFailure(context, request, null, result?.user.id ?? null, { method: 'passkey' });
      return jsonError(request, reply, 401, 'auth.login.failed');
    }
    await completeLogin(context, request, reply, result.user, { method: 'passkey', secondFactor: false });
    return reply.send({ redirect: localPath(parsed.data.next, DEFAULT_AFTER_LOGIN) });
  });

  app.get('/auth/logout-user', async (request, reply) => {
    if (!request.user) return reply.redirect('/auth/login-user');
    const ctx = await pageContext(request, { forms: true });
    return reply.html(<LogoutPage ctx={ctx} />);
  });

  app.post('/auth/logout-user', async (request, reply) => {
    const userId = request.session?.userId ?? null;
    await destroySession(db, request, reply);
    if (userId) {
      await audit(context, request, 'logout', userId);
      await request.flash('success', request.t('auth.logout.done'));
    }
    return reply.redirect('/auth/login-user');
  });
}

function formNext(request: FastifyRequest): string | undefined {
  const next = formString(request.body, 'next');
  return optionalLocalPath(next);
}
