import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isbot } from 'isbot';
import { z } from 'zod';
import type { AppContext } from '../core/app-module.js';
import { HttpError, codeForStatus } from '../core/http/errors.js';
import { rateLimit } from '../core/http/rate-limit.js';
import { pageContext } from '../core/ui/page-context.js';
import { staffRequired } from '../nadooit_auth/guards.js';
import { SIGNAL_TYPES } from './models.js';
import { hashIp, loadOrderContent, loadSections, startSession } from './services/pages.js';
import { MAX_INTERACTION_SECONDS, continuePage, heartbeat, recordSignal, signalToken, verifySignalToken } from './services/signals.js';
import { HomePage, SectionBlock } from './views/page.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const uuid = z
  .string()
  .transform((s) => s.toLowerCase())
  .refine((s) => UUID.test(s), 'must be a UUID');
const signalParams = z.object({ session: uuid, section: uuid, type: z.enum(SIGNAL_TYPES) });
const sessionParams = z.object({ session: uuid });
const continueParams = z.object({ session: uuid, section: uuid });
const mouseleaveBody = z.object({ interaction_time: z.number().finite().min(0).max(MAX_INTERACTION_SECONDS) });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, 'bad_request', `Invalid ${what}`, result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return result.data;
}

const isBotRequest = (request: FastifyRequest) => isbot(request.headers['user-agent'] ?? '');

/**
 * Signals are posted by the page's own script: the per-session token (X-Signal-Token) replaces the CSRF
 * check, and a foreign Origin is refused as well.
 */
function authorizeSignal(request: FastifyRequest, secret: string, sessionId: string): void {
  const origin = request.headers.origin;
  if (origin && origin !== 'null' && origin !== `${request.protocol}://${request.host}`) {
    throw new HttpError(403, 'forbidden', `Origin ${origin} may not send signals`);
  }
  const token = request.headers['x-signal-token'];
  if (!verifySignalToken(secret, sessionId, typeof token === 'string' ? token : undefined)) {
    throw new HttpError(403, 'bad_signal_token', 'Missing or wrong signal token');
  }
}

/** Errors of the signal endpoints are always JSON (the page's script and htmx read them, never a person). */
async function signalErrors(error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  if (status >= 500) request.log.error({ err: error }, 'website signal failed');
  const code = error instanceof HttpError ? error.code : codeForStatus(status);
  const details = error instanceof HttpError ? error.details : undefined;
  return reply.code(status).send({ error: { code, message: status >= 500 ? 'Internal server error' : error.message, ...(details ? { details } : {}) } });
}

export async function websiteRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  const { settings } = context;
  const db = () => context.db.kysely;

  // Every view of / writes a Visit and a Session, so anonymous traffic is limited per address.
  app.get('/', { config: { ...rateLimit({ max: 120, timeWindow: '1 minute' }) } }, async (request, reply) => {
    const started = await startSession(db(), { ipHash: hashIp(settings.secretKey, request.ip), isBot: isBotRequest(request) });
    const content = await loadOrderContent(db(), started.orderId);
    const ctx = await pageContext(request);
    reply.header('cache-control', 'no-store');
    return reply.html(<HomePage ctx={ctx} visitor={{ sessionId: started.sessionId, signalToken: signalToken(settings.secretKey, started.sessionId) }} content={content} />);
  });

  // Staff see an order as visitors would, without a session and without tracking.
  app.get('/website/preview/:order', { preHandler: staffRequired }, async (request, reply) => {
    const { order } = parse(z.object({ order: uuid }), request.params, 'order id');
    const exists = await db().selectFrom('web_section_orders').select('id').where('id', '=', order).executeTakeFirst();
    if (!exists) throw new HttpError(404, 'not_found', 'No such section order');
    const content = await loadOrderContent(db(), order);
    const ctx = await pageContext(request);
    return reply.html(<HomePage ctx={ctx} content={content} preview />);
  });

  await app.register(async (scope) => {
    scope.setErrorHandler(signalErrors);
    // The CSRF check is replaced by the signal token (see authorizeSignal).
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), csrf: false };
    });
    const perSession = scope.rateLimit(
      rateLimit({ max: 120, timeWindow: '1 minute', keyGenerator: (request) => `web-session:${String((request.params as { session?: string }).session ?? '').toLowerCase()}` }).rateLimit,
    );
    const perAddress = rateLimit({ max: 600, timeWindow: '1 minute' });

    scope.post('/signal/:session/:section/:type/', { config: perAddress, onRequest: perSession }, async (request) => {
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

    scope.post('/session_is_active_signal/:session', { config: perAddress, onRequest: perSession }, async (request) => {
      const { session } = parse(sessionParams, request.params, 'session id');
      authorizeSignal(request, settings.secretKey, session);
      const result = await heartbeat(db(), { sessionId: session });
      return { ok: true, duration_seconds: result.durationSeconds };
    });

    // htmx (revealed on the last section): answers the next section with a fresh trigger, or nothing.
    scope.post('/end_of_session_sections/:session/:section', { config: perAddress, onRequest: perSession }, async (request, reply) => {
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
