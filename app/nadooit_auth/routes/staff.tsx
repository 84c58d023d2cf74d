import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../core/app-module.js';
import { transaction } from '../../core/db/transaction.js';
import { localPath, optionalLocalPath } from '../../core/http/redirects.js';
import { rotateSession } from '../../core/http/sessions.js';
import type { FieldErrors } from '../../core/ui/components.js';
import { fieldErrors, formString } from '../../core/ui/forms.js';
import { pageContext } from '../../core/ui/page-context.js';
import { enabledCredentials } from '../services/credentials.js';
import { hashPassword, needsRehash, verifyPassword } from '../services/passwords.js';
import { POLICIES, clearFailures } from '../services/throttle.js';
import { checkTotp, hasTotp, newTotpSecret, qrDataUrl, regenerateRecoveryCodes, saveTotpDevice, totpUri, useRecoveryCode, verifyUserTotp } from '../services/totp.js';
import { findUserById, findUserByUsername, replacePasswordHash } from '../services/users.js';
import type { User } from '../services/users.js';
import { allowListOf, authenticationOptions } from '../services/webauthn.js';
import { RecoveryCodesPage, SecondFactorPage, StaffLoginPage, TotpEnrolPage } from '../views/staff.js';
import { beginRegistration, finishRegistration, hasSecondFactor, registrationBody } from './ceremony.js';
import { verifiedKeyLogin } from './login.js';
import { CEREMONY_RATE, PASSWORD_RATE, audit, completeLogin, countFailure, isLocked, jsonError, translated } from './respond.js';
import type { LoginOptions } from './respond.js';
import {
  pendingStaff,
  pendingTotpSecret,
  setPendingStaff,
  setPendingTotpSecret,
  stashRecoveryCodes,
  storeChallenge,
  takeChallenge,
  takeRecoveryCodes,
} from './state.js';
import type { PendingStaff } from './state.js';

export const DEFAULT_AFTER_STAFF_LOGIN = '/admin/';
const RECOVERY_PAGE = '/auth/recovery-codes';

const passwordForm = z.object({
  username: z.string().trim().min(1, 'auth.field.required').max(150, 'auth.field.too_long'),
  password: z.string().min(1, 'auth.field.required').max(256, 'auth.field.too_long'),
});

export function staffRoutes(app: FastifyInstance, context: AppContext): void {
  const { settings } = context;
  const db = context.db.kysely;

  /** The person behind the pending password step, or null (expired, never started, deactivated). */
  async function pendingUser(request: FastifyRequest): Promise<{ pending: PendingStaff; user: User } | null> {
    const pending = pendingStaff(request);
    if (!pending) return null;
    const user = await findUserById(db, pending.userId);
    return user?.is_active && user.is_staff ? { pending, user } : null;
  }

  async function finishStaffLogin(request: FastifyRequest, reply: FastifyReply, user: User, method: LoginOptions['method'], recoveryCodes?: string[]) {
    const next = pendingStaff(request)?.next ?? DEFAULT_AFTER_STAFF_LOGIN;
    await completeLogin(context, request, reply, user, { method, secondFactor: true });
    await clearFailures(db, POLICIES.secondFactor, user.id);
    if (!recoveryCodes) return next;
    stashRecoveryCodes(request.session!, settings.secretKey, recoveryCodes);
    return `${RECOVERY_PAGE}?next=${encodeURIComponent(next)}`;
  }

  const renderLogin = async (request: FastifyRequest, reply: FastifyReply, status: number, props: { next?: string; username?: string; errors?: FieldErrors } = {}) => {
    const ctx = await pageContext(request, { forms: true });
    return reply.html(<StaffLoginPage ctx={ctx} {...props} />, status);
  };

  app.get('/auth/staff-login', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const next = optionalLocalPath(query.next);
    if (request.user?.isStaff && request.user.secondFactorVerified) return reply.redirect(next ?? DEFAULT_AFTER_STAFF_LOGIN);
    return renderLogin(request, reply, 200, { next });
  });

  app.post('/auth/staff-login', PASSWORD_RATE, async (request, reply) => {
    const nextField = formString(request.body, 'next');
    const next = optionalLocalPath(nextField);
    const parsed = passwordForm.safeParse({ username: formString(request.body, 'username'), password: (request.body as Record<string, unknown>)?.password ?? '' });
    if (!parsed.success) {
      return renderLogin(request, reply, 422, { next, username: formString(request.body, 'username'), errors: translated(request, fieldErrors(parsed.error)) });
    }
    const { username, password } = parsed.data;
    const attempt = { policy: POLICIES.password, subject: username };
    if (await isLocked(context, request, attempt)) {
      return renderLogin(request, reply, 429, { next, username, errors: { _form: [request.t('auth.locked')] } });
    }
    const user = await findUserByUsername(db, username);
    const candidate = user?.is_staff && user.is_active ? user : undefined;
    if (!(await verifyPassword(candidate?.password_hash, password)) || !candidate) {
      await countFailure(context, request, attempt, candidate?.id ?? null, { method: 'password', username });
      return renderLogin(request, reply, 401, { next, username, errors: { _form: [request.t('auth.staff.failed')] } });
    }
    await clearFailures(db, POLICIES.password, username);
    if (needsRehash(candidate.password_hash)) await replacePasswordHash(db, candidate.id, await hashPassword(password));
    const session = await rotateSession(db, settings, request, reply, null);
    setPendingStaff(session, candidate.id, next ?? DEFAULT_AFTER_STAFF_LOGIN);
    return reply.redirect((await hasSecondFactor(context, candidate.id)) ? '/auth/staff-login/verify' : '/auth/staff-login/enrol');
  });

  const renderSecondFactor = async (request: FastifyRequest, reply: FastifyReply, user: User, status = 200, errors?: FieldErrors) => {
    const ctx = await pageContext(request, { forms: true });
    const hasKeys = (await enabledCredentials(db, user.id)).length > 0;
    return reply.html(<SecondFactorPage ctx={ctx} hasTotp={await hasTotp(db, user.id)} hasKeys={hasKeys} errors={errors} />, status);
  };

  app.get('/auth/staff-login/verify', async (request, reply) => {
    const current = await pendingUser(request);
    if (!current) return reply.redirect('/auth/staff-login');
    if (!(await hasSecondFactor(context, current.user.id))) return reply.redirect('/auth/staff-login/enrol');
    return renderSecondFactor(request, reply, current.user);
  });

  app.post('/auth/staff-login/verify', CEREMONY_RATE, async (request, reply) => {
    const current = await pendingUser(request);
    if (!current) return reply.redirect('/auth/staff-login');
    const { user } = current;
    const code = formString(request.body, 'code');
    const recovery = formString(request.body, 'recovery_code');
    if (!code && !recovery) {
      return renderSecondFactor(request, reply, user, 422, { code: [request.t('auth.field.required')] });
    }
    const attempt = { policy: POLICIES.secondFactor, subject: user.id };
    if (await isLocked(context, request, attempt)) {
      return renderSecondFactor(request, reply, user, 429, { _form: [request.t('auth.locked')] });
    }
    const ok = code ? await verifyUserTotp(db, settings.secretKey, user.id, code) : await useRecoveryCode(db, user.id, recovery);
    if (!ok) {
      await countFailure(context, request, attempt, user.id, { method: code ? 'totp' : 'recovery' });
      const field = code ? 'code' : 'recovery_code';
      return renderSecondFactor(request, reply, user, 401, { [field]: [request.t('auth.second.failed')] });
    }
    if (!code) await audit(context, request, 'recovery_code_used', user.id);
    return reply.redirect(await finishStaffLogin(request, reply, user, code ? 'password+totp' : 'password+recovery'));
  });

  app.post('/auth/staff-login/key/options', CEREMONY_RATE, async (request, reply) => {
    const current = await pendingUser(request);
    if (!current) return jsonError(request, reply, 400, 'auth.login.expired');
    const keys = await enabledCredentials(db, current.user.id);
    const options = await authenticationOptions(settings, allowListOf(keys));
    await storeChallenge(request, { purpose: 'staff', challenge: options.challenge, userId: current.user.id });
    return reply.send({ options });
  });

  app.post('/auth/staff-login/key/verify', CEREMONY_RATE, async (request, reply) => {
    const current = await pendingUser(request);
    const challenge = takeChallenge(request, 'staff');
    const body = request.body as { credential?: unknown } | null;
    if (!current || !challenge || typeof body?.credential !== 'object' || body.credential === null) {
      return jsonError(request, reply, 400, 'auth.login.expired');
    }
    const attempt = { policy: POLICIES.secondFactor, subject: current.user.id };
    if (await isLocked(context, request, attempt)) return jsonError(request, reply, 429, 'auth.locked');
    const result = await verifiedKeyLogin(context, request, challenge, body.credential as never, current.user.id);
    if (!result) {
      await countFailure(context, request, attempt, current.user.id, { method: 'key' });
      return jsonError(request, reply, 401, 'auth.login.failed');
    }
    return reply.send({ redirect: await finishStaffLogin(request, reply, result.user, 'password+key') });
  });

  /** Enrolment is only for staff without any second factor (else it would bypass the check). */
  async function enrollingUser(request: FastifyRequest) {
    const current = await pendingUser(request);
    if (!current || (await hasSecondFactor(context, current.user.id))) return null;
    return current;
  }

  const renderEnrol = async (request: FastifyRequest, reply: FastifyReply, user: User, status = 200, errors?: FieldErrors) => {
    let secret = pendingTotpSecret(request, settings.secretKey);
    if (!secret) {
      secret = newTotpSecret();
      setPendingTotpSecret(request.session!, settings.secretKey, secret);
    }
    const ctx = await pageContext(request, { forms: true });
    const qr = await qrDataUrl(totpUri(settings.webauthn.rpName, user.username ?? user.user_code, secret));
    return reply.html(
      <TotpEnrolPage
        ctx={ctx}
        qrDataUrl={qr}
        secret={secret}
        errors={errors}
        action="/auth/staff-login/enrol"
        keyAlternative={{ optionsUrl: '/auth/staff-login/enrol/key/options', verifyUrl: '/auth/staff-login/enrol/key/verify' }}
      />,
      status,
    );
  };

  app.get('/auth/staff-login/enrol', async (request, reply) => {
    const current = await enrollingUser(request);
    if (!current) return reply.redirect(pendingStaff(request) ? '/auth/staff-login/verify' : '/auth/staff-login');
    return renderEnrol(request, reply, current.user);
  });

  app.post('/auth/staff-login/enrol', CEREMONY_RATE, async (request, reply) => {
    const current = await enrollingUser(request);
    if (!current) return reply.redirect(pendingStaff(request) ? '/auth/staff-login/verify' : '/auth/staff-login');
    const { user } = current;
    const attempt = { policy: POLICIES.secondFactor, subject: user.id };
    if (await isLocked(context, request, attempt)) return renderEnrol(request, reply, user, 429, { _form: [request.t('auth.locked')] });
    const secret = pendingTotpSecret(request, settings.secretKey);
    const code = formString(request.body, 'code');
    if (!code) return renderEnrol(request, reply, user, 422, { code: [request.t('auth.field.required')] });
    const step = secret ? await checkTotp(secret, code) : null;
    if (step === null || !secret) {
      await countFailure(context, request, attempt, user.id, { method: 'totp-enrolment' });
      return renderEnrol(request, reply, user, 422, { code: [request.t('auth.second.failed')] });
    }
    const codes = await transaction(db, async (tx) => {
      await saveTotpDevice(tx, settings.secretKey, user.id, secret, step);
      return regenerateRecoveryCodes(tx, user.id);
    });
    await audit(context, request, 'totp_enrolled', user.id);
    return reply.redirect(await finishStaffLogin(request, reply, user, 'password+totp', codes));
  });

  app.post('/auth/staff-login/enrol/key/options', async (request, reply) => {
    const current = await enrollingUser(request);
    if (!current) return jsonError(request, reply, 400, 'auth.login.expired');
    return reply.send({ options: await beginRegistration(context, request, current.user, 'staff-enrol') });
  });

  app.post('/auth/staff-login/enrol/key/verify', async (request, reply) => {
    const current = await enrollingUser(request);
    const challenge = takeChallenge(request, 'staff-enrol');
    const parsed = registrationBody.safeParse(request.body);
    if (!current || !challenge || challenge.userId !== current.user.id || !parsed.success) {
      return jsonError(request, reply, 400, 'auth.login.expired');
    }
    const result = await transaction(db, async (tx) => {
      const key = await finishRegistration(context, tx, request, challenge, parsed.data.credential);
      return key ? { key, codes: await regenerateRecoveryCodes(tx, current.user.id) } : null;
    });
    if (!result) return jsonError(request, reply, 400, 'auth.webauthn.failed');
    await audit(context, request, 'key_added', current.user.id, { key: result.key.id, name: result.key.name });
    return reply.send({ redirect: await finishStaffLogin(request, reply, current.user, 'password+key', result.codes) });
  });

  app.get(RECOVERY_PAGE, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const next = localPath(query.next, '/');
    const codes = takeRecoveryCodes(request, settings.secretKey);
    if (!codes || !request.user) return reply.redirect(next);
    const ctx = await pageContext(request);
    return reply.header('cache-control', 'no-store').html(<RecoveryCodesPage ctx={ctx} codes={codes} next={next} />);
  });
}
