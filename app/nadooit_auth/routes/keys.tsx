import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../core/app-module.js';
import { transaction } from '../../core/db/transaction.js';
import type { FieldErrors } from '../../core/ui/components.js';
import { fieldErrors, formString } from '../../core/ui/forms.js';
import { pageContext } from '../../core/ui/page-context.js';
import { requireStaff, requireUser } from '../guards.js';
import { KEY_NAME_MAX, deleteCredential, listCredentials, renameCredential, setCredentialEnabled } from '../services/credentials.js';
import { keyHistoryOf } from '../services/audit.js';
import { AuthRefused } from '../services/errors.js';
import { hasTotp, regenerateRecoveryCodes, unusedRecoveryCodeCount } from '../services/totp.js';
import { findUserById } from '../services/users.js';
import { KeysPage } from '../views/keys.js';
import { beginRegistration, finishRegistration, registrationBody } from './ceremony.js';
import { audit, jsonError, translated } from './respond.js';
import { stashRecoveryCodes, takeChallenge } from './state.js';

const renameForm = z.object({ name: z.string().trim().min(1, 'auth.field.required').max(KEY_NAME_MAX, 'auth.field.too_long') });

export function keyRoutes(app: FastifyInstance, context: AppContext): void {
  const db = context.db.kysely;
  const { settings } = context;

  const renderKeys = async (request: FastifyRequest, reply: FastifyReply, status = 200, errors?: FieldErrors, editing?: string) => {
    const user = requireUser(request);
    const ctx = await pageContext(request, { forms: true });
    const [keys, history] = await Promise.all([listCredentials(db, user.id), keyHistoryOf(db, user.id)]);
    const staff = user.isStaff ? { hasTotp: await hasTotp(db, user.id), recoveryCodesLeft: await unusedRecoveryCodeCount(db, user.id) } : undefined;
    return reply.html(<KeysPage ctx={ctx} keys={keys} history={history} timeZone={settings.timeZone} staff={staff} errors={errors} editing={editing} />, status);
  };

  app.get('/auth/keys', async (request, reply) => renderKeys(request, reply));

  app.post('/auth/keys/:id/rename', async (request, reply) => {
    const user = requireUser(request);
    const { id } = request.params as { id: string };
    const parsed = renameForm.safeParse({ name: formString(request.body, 'name') });
    if (!parsed.success) {
      return renderKeys(request, reply, 422, translated(request, fieldErrors(parsed.error)), id);
    }
    return change(request, reply, async () => {
      const key = await renameCredential(db, user.id, id, parsed.data.name);
      await audit(context, request, 'key_renamed', user.id, { key: key.id, name: key.name });
      return 'auth.keys.renamed';
    });
  });

  for (const enabled of [true, false]) {
    app.post(`/auth/keys/:id/${enabled ? 'enable' : 'disable'}`, async (request, reply) => {
      const user = requireUser(request);
      const { id } = request.params as { id: string };
      return change(request, reply, async () => {
        const key = await transaction(db, (tx) => setCredentialEnabled(tx, user.id, id, enabled));
        await audit(context, request, enabled ? 'key_enabled' : 'key_disabled', user.id, { key: key.id, name: key.name });
        return enabled ? 'auth.keys.enabled_done' : 'auth.keys.disabled_done';
      });
    });
  }

  app.post('/auth/keys/:id/delete', async (request, reply) => {
    const user = requireUser(request);
    const { id } = request.params as { id: string };
    return change(request, reply, async () => {
      const key = await transaction(db, (tx) => deleteCredential(tx, user.id, id));
      await audit(context, request, 'key_removed', user.id, { key: key.id, name: key.name });
      return 'auth.keys.deleted';
    });
  });

  /** Runs a key change and comes back to the list with a message (refusals become a warning). */
  async function change(request: FastifyRequest, reply: FastifyReply, work: () => Promise<string>) {
    try {
      await request.flash('success', request.t(await work()));
    } catch (error) {
      if (!(error instanceof AuthRefused)) throw error;
      await request.flash('danger', request.t(error.messageKey));
    }
    return reply.redirect('/auth/keys');
  }

  app.post('/auth/keys/register/options', async (request, reply) => {
    if (!request.user) return jsonError(request, reply, 401, 'auth.login.expired');
    const user = await findUserById(db, request.user.id);
    return reply.send({ options: await beginRegistration(context, request, user!, 'register') });
  });

  app.post('/auth/keys/register/verify', async (request, reply) => {
    const challenge = takeChallenge(request, 'register');
    const parsed = registrationBody.safeParse(request.body);
    if (!request.user || !challenge || challenge.userId !== request.user.id || !parsed.success) {
      return jsonError(request, reply, 400, 'auth.login.expired');
    }
    const key = await transaction(db, (tx) => finishRegistration(context, tx, request, challenge, parsed.data.credential));
    if (!key) return jsonError(request, reply, 400, 'auth.webauthn.failed');
    await audit(context, request, 'key_added', request.user.id, { key: key.id, name: key.name });
    await request.flash('success', request.t('auth.keys.added_done'));
    return reply.send({ redirect: '/auth/keys' });
  });

  app.post('/auth/keys/recovery-codes', async (request, reply) => {
    const user = requireStaff(request);
    const codes = await transaction(db, (tx) => regenerateRecoveryCodes(tx, user.id));
    await audit(context, request, 'recovery_codes_regenerated', user.id);
    stashRecoveryCodes(request.session!, settings.secretKey, codes);
    return reply.redirect('/auth/recovery-codes?next=%2Fauth%2Fkeys');
  });
}
