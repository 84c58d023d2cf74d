import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../core/app-module.js';
import { HttpError, forbidden } from '../core/http/errors.js';
import { staffAccess } from '../core/admin/access.js';
import { rateLimit } from '../core/http/rate-limit.js';
import { pageContext } from '../core/ui/page-context.js';
import { staffRequired } from '../nadooit_auth/guards.js';
import { SIGNAL_TYPES } from './models.js';
import { hashIp, loadOrderContent, loadSections, sectionOrderExists, startSession } from './services/pages.js';
import { authorizeSignal, isBotRequest, parse, uuid, visitorEndpoints } from './protection.js';
import { MAX_INTERACTION_SECONDS, continuePage, heartbeat, recordSignal, requestMeeting, signalToken } from './services/signals.js';
import { CONTENT_PAGES, showContentPage } from './services/content-pages.js';
import type { ContentPageSlug } from './services/content-pages.js';
import { ContentPageView, HomePage, SectionBlock } from './views/page.js';
import { prerendered } from './views/prerender.js';
import { StatisticsPage } from './views/statistics.js';
import { statisticsPeriod } from './statistics-period.js';
import { pwaRoutes } from './pwa.js';
import { sessionsResource } from './admin.js';
import { experimentResults } from './services/experiment.js';
import { latestExperiment, websiteStatistics } from './services/statistics.js';

const signalParams = z.object({ session: uuid, section: uuid, type: z.enum(SIGNAL_TYPES) });
const sessionParams = z.object({ session: uuid });
const continueParams = z.object({ session: uuid, section: uuid });
const mouseleaveBody = z.object({ interaction_time: z.number().finite().min(0).max(MAX_INTERACTION_SECONDS) });

export async function websiteRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  const { settings } = context;
  const db = () => context.db.kysely;

  // Every view of / writes a Visit and a Session, so anonymous traffic is limited per address.
  app.get('/', { config: { ...rateLimit({ max: 120, timeWindow: '1 minute' }) } }, async (request, reply) => {
    const started = await startSession(db(), { ipHash: hashIp(settings.secretKey, request.ip), isBot: isBotRequest(request) });
    const content = await loadOrderContent(db(), started.orderId);
    const visitor = { sessionId: started.sessionId, signalToken: signalToken(settings.secretKey, started.sessionId) };
    reply.header('cache-control', 'no-store');
    // Anonymous visitors (no session cookie) all see the same page but for id and token: rendered once per order and language.
    if (!request.session && !request.user) {
      const ctx = () => pageContext(request);
      const page = await prerendered(content, request.language, async (marks) => <HomePage ctx={await ctx()} visitor={marks} content={content} />);
      return reply.html(page.fill(visitor));
    }
    return reply.html(<HomePage ctx={await pageContext(request)} visitor={visitor} content={content} />);
  });

  for (const slug of Object.keys(CONTENT_PAGES) as ContentPageSlug[]) {
    app.get(`/${slug}`, { config: { ...rateLimit({ max: 120, timeWindow: '1 minute' }) } }, async (request, reply) => {
      const page = await showContentPage(db(), slug);
      return reply.html(<ContentPageView ctx={await pageContext(request)} page={page} />);
    });
  }

  // Staff see an order as visitors would, without a session and without tracking.
  app.get('/website/preview/:order', { preHandler: staffRequired }, async (request, reply) => {
    const { order } = parse(z.object({ order: uuid }), request.params, 'order id');
    if (!(await sectionOrderExists(db(), order))) throw new HttpError(404, 'not_found', 'No such section order');
    const content = await loadOrderContent(db(), order);
    const ctx = await pageContext(request);
    return reply.html(<HomePage ctx={ctx} content={content} preview />);
  });

  pwaRoutes(app);

  // Staff statistics, authorised like the admin: the permission to view visitor sessions.
  app.get('/website/statistics', { preHandler: staffRequired }, async (request, reply) => {
    const period = statisticsPeriod(request.query, settings.timeZone, new Date());
    const access = await staffAccess(db(), request.user!);
    if (!access.can(sessionsResource, 'view')) throw forbidden();
    const stats = await websiteStatistics(db(), { from: period.from, to: period.to, timeZone: settings.timeZone });
    const latest = await latestExperiment(db());
    const experiment = latest ? { ...latest, results: await experimentResults(db(), latest.id) } : null;
    return reply.html(<StatisticsPage ctx={await pageContext(request)} period={period} stats={stats} experiment={experiment} timeZone={settings.timeZone} />);
  });

  await visitorEndpoints(app, async (scope, limits) => {
    // htmx (revealed on the last section): answers the next section with a fresh trigger, or nothing.
    scope.post('/end_of_session_sections/:session/:section', limits, async (request, reply) => {
      const params = parse(continueParams, request.params, 'section');
      authorizeSignal(request, settings.secretKey, params.session);
      const { sectionId } = await continuePage(db(), { sessionId: params.session, sectionId: params.section, isBot: isBotRequest(request) });
      if (!sectionId) return reply.html('');
      const section = (await loadSections(db(), [sectionId])).get(sectionId)!;
      const ctx = await pageContext(request);
      return reply.html(<SectionBlock ctx={ctx} section={section} options={{ sessionId: params.session, last: true, slot: randomUUID().slice(0, 8) }} />);
    });
  });
}

/**
 * The visitor endpoints that answer JSON (signals, meeting requests, the heartbeat): posted by the page's
 * own script many times per visit, authorised by the session's signed token, touching no login session —
 * so they live in the lean machine scope (core/http/machine-api.ts) without the page hooks.
 */
export async function websiteSignalRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  const { settings } = context;
  const db = () => context.db.kysely;
  await visitorEndpoints(app, async (scope, limits) => {
    scope.post('/signal/:session/:section/:type/', limits, async (request) => {
      const params = parse(signalParams, request.params, 'signal');
      authorizeSignal(request, settings.secretKey, params.session);
      const body = params.type === 'mouseleave' ? parse(mouseleaveBody, request.body ?? {}, 'mouseleave body') : null;
      const result = await recordSignal(db(), {
        sessionId: params.session,
        sectionId: params.section,
        type: params.type,
        interactionSeconds: body?.interaction_time,
        isBot: isBotRequest(request),
      });
      return { ok: true, recorded: result.recorded };
    });

    // A meeting request (a `data-web-conversion="meeting_request"` link or button was used): a conversion.
    scope.post('/conversion/:session/meeting_request', limits, async (request) => {
      const { session } = parse(sessionParams, request.params, 'session id');
      authorizeSignal(request, settings.secretKey, session);
      const result = await requestMeeting(db(), { sessionId: session, isBot: isBotRequest(request) });
      return { ok: true, recorded: result.recorded };
    });

    scope.post('/session_is_active_signal/:session', limits, async (request) => {
      const { session } = parse(sessionParams, request.params, 'session id');
      authorizeSignal(request, settings.secretKey, session);
      const result = await heartbeat(db(), { sessionId: session });
      return { ok: true, duration_seconds: result.durationSeconds };
    });
  });
}
