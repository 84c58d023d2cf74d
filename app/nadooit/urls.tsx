import type { FastifyInstance } from 'fastify';
import type { AppContext, AppModule } from '../core/app-module.js';
import { Layout } from '../core/ui/layout.js';
import { pageContext } from '../core/ui/page-context.js';

/** The route map: every app mounts its own routes; the start page stays until the website CMS takes `/`. */
export async function mountRoutes(app: FastifyInstance, apps: AppModule[], context: AppContext): Promise<void> {
  for (const module of apps) await module.routes?.(app, context);
  if (!app.hasRoute({ method: 'GET', url: '/' })) {
    app.get('/', async (request, reply) => {
      const ctx = await pageContext(request);
      return reply.html(
        <Layout ctx={ctx} title={ctx.t('core.home.title')}>
          <div class="p-5 mb-4 bg-white rounded-3 shadow-sm">
            <h1 class="display-5 fw-bold">NADOO-IT</h1>
            <p class="col-md-8 fs-5" safe>{ctx.t('core.home.lead')}</p>
            <a class="btn btn-primary btn-lg me-2" href="/nadooit-os/" safe>
              {ctx.t('core.home.dashboard')}
            </a>
            <a class="btn btn-outline-secondary btn-lg" href="/auth/login-user" safe>
              {ctx.t('core.home.login')}
            </a>
          </div>
        </Layout>,
      );
    });
  }
}
