import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { transaction } from '../../core/db/transaction.js';
import { rotateSession } from '../../core/http/sessions.js';
import { fieldErrors, formString } from '../../core/ui/forms.js';
import type { FieldErrors } from '../../core/ui/components.js';
import { pageContext } from '../../core/ui/page-context.js';
import { notFound } from '../../core/http/errors.js';
import { AuthRefused } from '../services/errors.js';
import { createSuperuser, superuserSchema } from '../services/staff.js';
import { POLICIES } from '../services/throttle.js';
import { consumeToken, findValidToken, issueToken, revokeOpenTokens } from '../services/tokens.js';
import { staffUserExists } from '../services/users.js';
import { SetupPage } from '../views/staff.js';
import { PASSWORD_RATE, audit, countFailure, isLocked, translated } from './respond.js';
import { setPendingStaff } from './state.js';
import { DEFAULT_AFTER_STAFF_LOGIN } from './staff.js';
import { publicBaseUrl } from '../../core/http/public-url.js';

const SETUP_TOKEN_SECONDS = 24 * 3600;
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** The machine itself, not a proxy in front of it (a forwarded request is never trusted as local). */
function fromLoopback(request: FastifyRequest): boolean {
  const forwarded = request.headers['x-forwarded-for'] || request.headers.forwarded || request.headers['x-real-ip'];
  return !forwarded && LOOPBACK.has(request.socket.remoteAddress ?? '');
}

/**
 * First run: with no staff account, each web start issues a one-time token and logs the setup link.
 * Returns the token (tests use it), or null when an administrator exists.
 */
export async function announceFirstRun(context: AppContext, port = context.settings.port): Promise<string | null> {
  const db = context.db.kysely;
  if (await staffUserExists(db)) return null;
  const { token } = await transaction(db, async (tx) => {
    await revokeOpenTokens(tx, 'setup', null);
    return issueToken(tx, { purpose: 'setup', validSeconds: SETUP_TOKEN_SECONDS });
  });
  // The link stands on a line of its own, so it can be copied (or clicked in a terminal) as it is.
  context.log.warn(
    'First run: no administrator exists yet. Create one with this one-time setup link ' +
      '(valid 24 hours, works once; from this machine the page also opens without the token):\n\n' +
      `    ${publicBaseUrl(context.settings, port)}/auth/setup?token=${token}\n\n` +
      'Scripted installs use "npm run manage -- createsuperuser".',
  );
  return token;
}

export function setupRoutes(app: FastifyInstance, context: AppContext): void {
  const db = context.db.kysely;

  /** 'ok' with the token row (if one was used), or why the page is not available. */
  async function access(request: FastifyRequest, token: string): Promise<{ tokenId: string | null } | 'locked' | 'denied'> {
    if (await staffUserExists(db)) throw notFound();
    const attempt = { policy: POLICIES.token, subject: request.ip };
    if (await isLocked(context, request, attempt)) return 'locked';
    if (token) {
      const row = await findValidToken(db, 'setup', token);
      if (row) return { tokenId: row.id };
      await countFailure(context, request, attempt, null, { reason: 'invalid setup link' }, 'enrolment_token_invalid');
    }
    return fromLoopback(request) ? { tokenId: null } : 'denied';
  }

  const render = async (request: FastifyRequest, reply: FastifyReply, token: string, status = 200, values?: Record<string, string>, errors?: FieldErrors) => {
    const ctx = await pageContext(request, { forms: true });
    return reply.header('cache-control', 'no-store').html(<SetupPage ctx={ctx} token={token || undefined} values={values} errors={errors} />, status);
  };

  const denied = (request: FastifyRequest, reply: FastifyReply, outcome: 'locked' | 'denied') =>
    reply.code(outcome === 'locked' ? 429 : 403).type('text/plain; charset=utf-8').send(request.t(outcome === 'locked' ? 'auth.locked' : 'auth.setup.denied'));

  app.get('/auth/setup', async (request, reply) => {
    const token = String((request.query as Record<string, unknown>).token ?? '');
    const allowed = await access(request, token);
    if (typeof allowed === 'string') return denied(request, reply, allowed);
    return render(request, reply, token);
  });

  app.post('/auth/setup', PASSWORD_RATE, async (request, reply) => {
    const token = formString(request.body, 'token');
    const allowed = await access(request, token);
    if (typeof allowed === 'string') return denied(request, reply, allowed);
    const body = request.body as Record<string, unknown>;
    const values = { username: formString(body, 'username'), display_name: formString(body, 'display_name'), email: formString(body, 'email') };
    const password = typeof body?.password === 'string' ? body.password : '';
    const parsed = superuserSchema.safeParse({ ...values, password });
    const errors: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error);
    if (password !== body?.password_confirm) (errors.password_confirm ??= []).push('auth.setup.password_mismatch');
    if (!parsed.success || Object.keys(errors).length) {
      return render(request, reply, token, 422, values, translated(request, errors));
    }
    let userId: string;
    try {
      userId = await transaction(db, async (tx) => {
        if (allowed.tokenId && !(await consumeToken(tx, allowed.tokenId))) throw new AuthRefused('auth.enrol.invalid');
        const user = await createSuperuser(tx, parsed.data);
        await revokeOpenTokens(tx, 'setup', null);
        return user.id;
      });
    } catch (error) {
      if (!(error instanceof AuthRefused)) throw error;
      const field = error.messageKey === 'auth.field.username_taken' ? 'username' : '_form';
      return render(request, reply, token, 422, values, { [field]: [request.t(error.messageKey)] });
    }
    await audit(context, request, 'setup_completed', userId, { username: parsed.data.username });
    // The new administrator continues straight to the second-factor enrolment.
    const session = await rotateSession(db, context.settings, request, reply, null);
    setPendingStaff(session, userId, DEFAULT_AFTER_STAFF_LOGIN);
    return reply.redirect('/auth/staff-login/enrol');
  });
}
