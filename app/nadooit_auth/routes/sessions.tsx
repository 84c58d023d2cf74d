import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { destroySession } from '../../core/http/sessions.js';
import { pageContext } from '../../core/ui/page-context.js';
import { requireUser } from '../guards.js';
import { listUserSessions } from '../services/sessions.js';
import { revokeAllUserSessions, revokeUserSession } from '../../core/http/sessions.js';
import { SessionsPage } from '../views/sessions.js';
import { audit } from './respond.js';

export function sessionRoutes(app: FastifyInstance, context: AppContext): void {
  const db = context.db.kysely;

  app.get('/auth/sessions', async (request, reply) => {
    const user = requireUser(request);
    const ctx = await pageContext(request, { forms: true });
    const sessions = await listUserSessions(db, user.id);
    return reply.html(<SessionsPage ctx={ctx} sessions={sessions} currentId={request.session!.id} timeZone={context.settings.timeZone} />);
  });

  app.post('/auth/sessions/:id/revoke', async (request, reply) => {
    const user = requireUser(request);
    const { id } = request.params as { id: string };
    const current = id === request.session?.id;
    if (await revokeUserSession(db, user.id, id)) {
      await audit(context, request, 'session_revoked', user.id, { session: id, current });
    }
    if (current) {
      await destroySession(db, request, reply);
      return reply.redirect('/auth/login-user');
    }
    await request.flash('success', request.t('auth.sessions.revoked'));
    return reply.redirect('/auth/sessions');
  });

  app.post('/auth/sessions/revoke-others', async (request, reply) => {
    const user = requireUser(request);
    const count = await revokeAllUserSessions(db, user.id, request.session!.id);
    if (count) await audit(context, request, 'session_revoked', user.id, { sessions: count, others: true });
    await request.flash('success', request.t('auth.sessions.revoked_others', { count }));
    return reply.redirect('/auth/sessions');
  });
}
