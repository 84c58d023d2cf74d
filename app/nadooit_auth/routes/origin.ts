import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Settings } from '../../core/config.js';

const LOOPBACK_IP_HOST = /^(?:127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** The WebAuthn ceremonies' first step: every `/auth/…/options` endpoint. */
const isCeremonyStart = (request: FastifyRequest) => request.method === 'POST' && /^\/auth\/.+\/options$/.test(request.url.split('?')[0] ?? '');

/**
 * Security keys are bound to one site: a browser refuses them on an address that is not the configured one
 * (and never on an IP address, so not on http://127.0.0.1). In development, page loads on 127.0.0.1 go to
 * localhost, where keys work; a ceremony started from any other address is refused up front with a message
 * that names the address to use, instead of a generic failure after the key was touched.
 */
export function installWebAuthnOriginRules(app: FastifyInstance, settings: Pick<Settings, 'debug' | 'webauthn'>): void {
  const { webauthn } = settings;
  if (settings.debug && webauthn.rpId === 'localhost') {
    app.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (!String(request.headers.accept ?? '').includes('text/html')) return;
      const match = LOOPBACK_IP_HOST.exec(request.headers.host ?? '');
      if (!match) return;
      return reply.redirect(`http://localhost${match[1] ?? ''}${request.url}`, 302);
    });
  }
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin || !isCeremonyStart(request) || webauthn.origins.includes(origin)) return;
    const expected = webauthn.origins.find((o) => o.startsWith('http://localhost')) ?? webauthn.origins[0] ?? '';
    return reply.code(400).send({ error: { code: 'webauthn_origin', message: request.t('auth.webauthn.origin', { actual: origin, expected }) } });
  });
}
