import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { HomePage } from '../views/home.js';
import { ProfilePage } from '../views/profile.js';
import { dashboardPage } from './context.js';

export function shellRoutes(scope: FastifyInstance, app: AppContext): void {
  scope.get('/', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    return reply.html(<HomePage ctx={ctx} viewer={viewer} />);
  });

  scope.get('/hr/my-profile', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    return reply.html(<ProfilePage ctx={ctx} viewer={viewer} />);
  });
}
