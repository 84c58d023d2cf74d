import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifySwaggerUi from '@fastify/swagger-ui';

/**
 * The OpenAPI document's head. One language for the whole document: English, like every operation's
 * summary and every schema description (the UI around it is Swagger UI's, also English).
 */
export const API_INFO = {
  title: 'NADOO-IT API',
  description: [
    'The REST API of NADOO-IT: customers, programs and customer programs, time accounts with their ledger, bookings (`/executions`) with sums and CSV export, complaints, work time, processes, ERP and network.',
    '',
    'Authenticate with `Authorization: Bearer <API key>` (a key created in NADOOIT OS under API keys) or with a signed-in session (writes then need the `X-CSRFToken` header). Bots report their runs through the two endpoints of the original NADOO-IT (`POST /api/executions`, `POST /api/users/check`).',
  ].join('\n'),
  version: '1.0.0',
};

/** The platform's policy (no inline code, nothing from elsewhere) plus the hash of the one inline style Swagger UI sets. */
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

const STATIC = path.join(import.meta.dirname, 'static');
const UI_STATIC = path.join(import.meta.dirname, '..', 'core', 'ui', 'static');

/** Swagger UI's page has no viewport: without one a phone lays it out 980 px wide and shrinks it. */
const VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">';

/**
 * /api/docs: Swagger UI served from node_modules (no CDN) under the project's name, favicon and colours,
 * without Swagger's top bar, and fitting a phone (a viewport, and app/nadooit_api/static/docs.css lets long
 * paths wrap and wide tables scroll inside their box). The CSP holds: the stylesheet is a file of the page's
 * own origin.
 */
export async function apiDocsPage(app: FastifyInstance): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      const type = String(reply.getHeader('content-type') ?? '');
      if (typeof payload !== 'string' || !type.startsWith('text/html')) return payload;
      return payload.replace('<meta charset="UTF-8">', `<meta charset="UTF-8">\n      ${VIEWPORT}`);
    });
    await scope.register(fastifySwaggerUi, {
      routePrefix: '/api/docs',
      uiConfig: { url: '/api/openapi.json', validatorUrl: null, deepLinking: true, layout: 'BaseLayout' },
      theme: {
        title: API_INFO.title,
        css: [{ filename: 'nadooit.css', content: readFileSync(path.join(STATIC, 'docs.css'), 'utf8') }],
        favicon: [{ filename: 'favicon.svg', rel: 'icon', sizes: 'any', type: 'image/svg+xml', content: readFileSync(path.join(UI_STATIC, 'favicon.svg')) }],
      },
      staticCSP: DOCS_CSP,
    } as Parameters<typeof fastifySwaggerUi>[1]);
  });
}
