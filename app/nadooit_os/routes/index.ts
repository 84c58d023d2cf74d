import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { userRequired } from '../../nadooit_auth/guards.js';
import { registerNavigation } from '../../core/ui/navigation.js';
import { dashboardNavigation } from '../navigation.js';
import { BASE } from '../paths.js';
import { apiKeyRoutes } from './api-keys.js';
import { bookingRoutes } from './bookings.js';
import { complaintRoutes } from './complaints.js';
import { erpRoutes } from './erp.js';
import { grantRoutes } from './grants.js';
import { hrRoutes } from './hr.js';
import { networkRoutes } from './network.js';
import { programRoutes } from './programs.js';
import { shellRoutes } from './shell.js';
import { timeAccountRoutes } from './time-accounts.js';

/** All NADOOIT OS routes, under /nadooit-os, behind the login gate. */
export async function osRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  registerNavigation(dashboardNavigation(context.db.kysely));
  await app.register(
    async (scope) => {
      // Anonymous visitors are sent to the login page (htmx requests via HX-Redirect) by the auth app.
      scope.addHook('preHandler', userRequired);
      shellRoutes(scope, context);
      bookingRoutes(scope, context);
      complaintRoutes(scope, context);
      timeAccountRoutes(scope, context);
      programRoutes(scope, context);
      hrRoutes(scope, context);
      grantRoutes(scope, context);
      apiKeyRoutes(scope, context);
      networkRoutes(scope, context);
      erpRoutes(scope, context);
    },
    { prefix: BASE },
  );
}
