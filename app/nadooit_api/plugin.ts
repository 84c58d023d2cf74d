import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../core/app-module.js';
import { apiRateLimit, keyOrAddressBucket } from '../nadooit_api_executions_system/legacy/rate-limit.js';
import { parseKeyFromRequest } from '../nadooit_api_executions_system/legacy/api-keys.js';
import { authenticate } from './auth.js';
import { API_INFO, apiDocsPage } from './docs-page.js';
import { apiErrorHandler, apiNotFound } from './errors.js';
import { legacyPaths } from './openapi-legacy.js';
import { complaintRoutes } from './routes/complaints.js';
import { customerRoutes } from './routes/customers.js';
import { erpRoutes } from './routes/erp.js';
import { executionRoutes } from './routes/executions.js';
import { networkRoutes } from './routes/network.js';
import { programRoutes } from './routes/programs.js';
import { timeAccountRoutes } from './routes/time-accounts.js';
import { processApiRoutes } from './routes/processes.js';
import { workTimeApiRoutes } from './routes/work-time.js';
import type { Api } from './types.js';

export const API_PREFIX = '/api/v1';

/**
 * Whose request budget a REST call uses: a Bearer key's own once it verified (else the address, so
 * invented keys are throttled), a signed-in session's own, and the address for anyone else.
 */
function callerBucket(request: FastifyRequest): string {
  const { key, source } = parseKeyFromRequest({ headers: request.headers });
  if (source === 'bearer') return keyOrAddressBucket(request, key);
  return request.session?.userId ? `session:${request.session.id}` : `ip:${request.ip}`;
}

/**
 * Mounts the REST API at /api/v1, its OpenAPI document at /api/openapi.json and the interactive docs at
 * /api/docs (Swagger UI served from node_modules, no CDN). Only /api/v1 routes enter the document, plus
 * the hand-written description of the legacy bot endpoints.
 */
export async function restApi(app: FastifyInstance, context: AppContext): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: API_INFO,
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key created in NADOOIT OS (API keys page)' },
          session: { type: 'apiKey', in: 'cookie', name: 'nadooit_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: (document) => (document.url.startsWith(`${API_PREFIX}/`) ? jsonSchemaTransform(document) : { schema: { hide: true }, url: document.url }),
    transformObject: (document) => {
      const spec = jsonSchemaTransformObject(document) as { paths?: Record<string, unknown> };
      return { ...spec, paths: { ...legacyPaths, ...spec.paths } } as unknown as ReturnType<typeof jsonSchemaTransformObject>;
    },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await apiDocsPage(app);

  await app.register(
    async (scope) => {
      const api = scope.withTypeProvider<ZodTypeProvider>() as unknown as Api;
      api.setValidatorCompiler(validatorCompiler);
      api.setSerializerCompiler(serializerCompiler);
      api.setErrorHandler(apiErrorHandler);
      api.decorateRequest('principal', null);
      // Nothing an /api/v1 answer carries may be kept by a browser or proxy (customer data, who may do what),
      // errors included: set first, so every answer of the scope has it.
      api.addHook('onRequest', async (_request, reply) => {
        reply.header('cache-control', 'no-store');
      });
      api.setNotFoundHandler(apiNotFound);
      // CSRF is checked by authenticate() (session writes only), so the platform's check is off here.
      api.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), csrf: false };
      });
      // Per caller (key, session or address), counted before authentication so guessing keys costs too.
      const rateLimit = apiRateLimit(context.settings, callerBucket);
      if (rateLimit) api.addHook('preHandler', scope.rateLimit(rateLimit));
      api.addHook('preHandler', authenticate(context));
      customerRoutes(api, context);
      programRoutes(api, context);
      timeAccountRoutes(api, context);
      executionRoutes(api, context);
      complaintRoutes(api, context);
      networkRoutes(api, context);
      erpRoutes(api, context);
      processApiRoutes(api, context);
      workTimeApiRoutes(api, context);
    },
    { prefix: API_PREFIX },
  );
}
