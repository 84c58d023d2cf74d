import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { addStaticMount } from '../../core/ui/assets.js';
import { installLoginRedirects } from '../guards.js';
import { findUserById, toCurrentUser } from '../services/users.js';
import { registerNavigation } from '../../core/ui/navigation.js';
import { authNavigation } from '../views/layout.js';
import { enrolRoutes } from './enrol.js';
import { keyRoutes } from './keys.js';
import { loginRoutes } from './login.js';
import { installWebAuthnOriginRules } from './origin.js';
import { sessionRoutes } from './sessions.js';
import { announceFirstRun, setupRoutes } from './setup.js';
import { staffRoutes } from './staff.js';
import { SECOND_FACTOR } from './state.js';

/** auth.js (the WebAuthn page glue) is served under /static/<build>/auth/. */
addStaticMount('auth', path.join(import.meta.dirname, '..', 'static'));

export function authRoutes(app: FastifyInstance, context: AppContext): void {
  const db = context.db.kysely;

  // Every app sees the signed-in person as request.user; a deactivated account is anonymous at once.
  app.userResolver = async (userId, session) => {
    const user = await findUserById(db, userId);
    if (!user?.is_active) return null;
    return toCurrentUser(user, session.data[SECOND_FACTOR] === true);
  };
  installLoginRedirects(app);
  installWebAuthnOriginRules(app, context.settings);
  registerNavigation(authNavigation);

  loginRoutes(app, context);
  staffRoutes(app, context);
  enrolRoutes(app, context);
  keyRoutes(app, context);
  sessionRoutes(app, context);
  setupRoutes(app, context);

  // Printed once the server listens (not for inject()-only test apps).
  app.addHook('onListen', async () => {
    const address = app.server.address();
    await announceFirstRun(context, typeof address === 'object' && address ? address.port : context.settings.port);
  });
}
