import type { FastifyInstance } from 'fastify';
import { assetUrl, buildId } from '../core/ui/assets.js';
import type { Language, Translate } from '../core/ui/i18n.js';
import { translator } from '../core/ui/i18n.js';

/**
 * The progressive web app of the original, working: a manifest (installable, opening NADOOIT OS) and a
 * service worker at the site's root that shows an offline page when a page cannot be loaded. It caches
 * nothing else — every page and every figure comes fresh from the server, nothing personal is stored in
 * the browser.
 */
export const START_URL = '/nadooit-os/';
export const OFFLINE_URL = '/offline';

const OFFLINE_ASSETS = () => [assetUrl('bootstrap/css/bootstrap.min.css'), assetUrl('app/app.css'), assetUrl('app/favicon.svg')];

export function manifest(t: Translate): Record<string, unknown> {
  return {
    name: 'NADOOIT',
    short_name: 'NADOOIT',
    description: t('website.pwa.description'),
    lang: 'de',
    start_url: START_URL,
    scope: '/',
    display: 'standalone',
    background_color: '#ffffff',
    theme_color: '#212529',
    icons: [{ src: assetUrl('app/favicon.svg'), sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
  };
}

/** The worker's source: its cache name carries the build id, so a new release replaces the offline copy. */
export function serviceWorkerSource(): string {
  const cache = `nadooit-offline-${buildId()}`;
  const precache = [OFFLINE_URL, ...OFFLINE_ASSETS()];
  return `'use strict';
// NADOOIT service worker: an offline page for navigations, nothing else is cached.
const CACHE = ${JSON.stringify(cache)};
const OFFLINE = ${JSON.stringify(OFFLINE_URL)};
const PRECACHE = ${JSON.stringify(precache)};
self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(PRECACHE)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('nadooit-offline-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    return;
  }
  if (request.method === 'GET' && PRECACHE.includes(new URL(request.url).pathname)) {
    event.respondWith(fetch(request).catch(() => caches.match(request)));
  }
});
`;
}

/** A page of its own (no session, no CSRF token, no script): it is stored by the worker and shown offline. */
export function offlinePage(t: Translate, language: Language): string {
  const [bootstrap, appCss, icon] = OFFLINE_ASSETS();
  return String(
    <>
      {'<!doctype html>'}
      <html lang={language}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{`${t('website.pwa.offline.title')} · NADOOIT`}</title>
          <link rel="icon" href={icon} type="image/svg+xml" />
          <link rel="stylesheet" href={bootstrap} />
          <link rel="stylesheet" href={appCss} />
        </head>
        <body>
          <main class="container py-5 text-center" id="offline">
            <h1 class="h3" safe>{t('website.pwa.offline.title')}</h1>
            <p class="text-muted" safe>{t('website.pwa.offline.text')}</p>
            <a class="btn btn-primary" href={START_URL} safe>{t('website.pwa.offline.retry')}</a>
          </main>
        </body>
      </html>
    </>,
  );
}

export function pwaRoutes(app: FastifyInstance): void {
  app.get('/manifest.webmanifest', async (request, reply) => {
    reply.header('content-type', 'application/manifest+json; charset=utf-8').header('cache-control', 'no-cache');
    return JSON.stringify(manifest(request.t));
  });
  app.get('/service-worker.js', async (_request, reply) => {
    // no-cache: the browser checks for a new worker on every visit (a release changes the cache name).
    reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'no-cache');
    return serviceWorkerSource();
  });
  app.get(OFFLINE_URL, async (request, reply) => {
    reply.header('cache-control', 'no-cache');
    return reply.type('text/html; charset=utf-8').send(offlinePage(request.t ?? translator('de'), request.language ?? 'de'));
  });
}
