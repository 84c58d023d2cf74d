import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signedPrivateMediaUrl } from '../../app/nadooit_ops/private-media.js';
import type { Process } from './support.js';
import {
  DOMAIN, PROXY_DIR, SECRET_KEY, freePort, openUp, proxyEnv, request, run, selfSignedLineage, servedSerial, start, startApp, waitFor,
} from './support.js';

const MEDIA_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

describe('nginx in front of the app (TLS mode, self-signed certificate, loopback)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'nadooit-e2e-proxy-'));
  const processes: Process[] = [];
  let ports: { http: number; https: number; app: number };
  let ca: Buffer;
  let nginxPid = 0;
  let build = '';
  const assetUrl = (relative: string) => `/static/${build}/${relative}`;
  const media = path.join(root, 'web', 'media');
  const https = (p: string, headers: Record<string, string> = {}, extra: object = {}) =>
    request({ port: ports.https, path: p, headers, tls: { ca }, ...extra });

  before(async () => {
    ports = { http: await freePort(), https: await freePort(), app: await freePort() };
    const lineage = selfSignedLineage(path.join(root, 'letsencrypt'), DOMAIN, [DOMAIN]);
    ca = readFileSync(path.join(lineage, 'fullchain.pem'));
    mkdirSync(path.join(media, 'hls', 'clip_480p'), { recursive: true });
    mkdirSync(path.join(media, 'private', 'exports'), { recursive: true });
    writeFileSync(path.join(media, 'hls', 'clip_480p', 'index.m3u8'), '#EXTM3U\n#EXT-X-VERSION:3\n');
    writeFileSync(path.join(media, 'hls', 'clip_480p', 'seg0.ts'), Buffer.alloc(1880, 0x47));
    writeFileSync(path.join(media, 'private', 'exports', 'report 1.csv'), 'kunde;minuten\nA;42\n');
    writeFileSync(path.join(media, '.env'), 'SECRET=1');
    mkdirSync(path.join(root, 'www', '.well-known', 'acme-challenge'), { recursive: true });
    writeFileSync(path.join(root, 'www', '.well-known', 'acme-challenge', 'token-123'), 'token-123.thumbprint');

    const app = startApp(root, ports.app);
    processes.push(app);
    // collectstatic fills STATIC_ROOT through the real CLI, as the deploy's one-shot service does.
    run(process.execPath, ['--import', 'tsx', 'app/nadooit/main.ts', 'manage', 'collectstatic'], {
      ...process.env,
      DEBUG: '0', SECRET_KEY, DATA_DIR: path.join(root, 'data'), STATIC_ROOT: path.join(root, 'web', 'static'),
      MEDIA_ROOT: media, DATABASE_URL: `sqlite:${path.join(root, 'data', 'db.sqlite3')}`, REDIS_URL: '', LOG_LEVEL: 'warn',
    });
    // The build id as the app's processes compute it (with every app's static mounts), read from disk.
    build = readdirSync(path.join(root, 'web', 'static')).find((name) => /^[0-9a-f]{12}$/.test(name))!;
    writeFileSync(path.join(root, 'web', 'static', build, 'app', 'only-on-disk.txt'), 'from disk');
    openUp(root);

    const proxy = start('sh', [path.join(PROXY_DIR, 'entrypoint.sh')], proxyEnv(root, ports, { CLIENT_MAX_BODY_SIZE: '1m', CERT_POLL_SECONDS: '1' }));
    processes.push(proxy);
    await waitFor('the app', async () => ((await request({ port: ports.app, path: '/healthz' })).status === 200 ? true : undefined), 30_000).catch(
      (error) => {
        throw new Error(`${error}\n${app.output()}`);
      },
    );
    await waitFor('nginx', async () => ((await https('/healthz')).status === 200 ? true : undefined)).catch((error) => {
      throw new Error(`${error}\n${proxy.output()}`);
    });
    nginxPid = Number(readFileSync(path.join(root, 'run', 'nginx.pid'), 'utf8'));
  });

  after(async () => {
    for (const p of processes.reverse()) await p.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('passes pages to the app over a verified TLS connection, with HSTS added by nginx', async () => {
    const page = await https('/', { accept: 'text/html' });
    assert.equal(page.status, 200);
    assert.match(page.body.toString(), /NADOO-IT/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/, 'answered by the app');
    assert.equal(page.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    assert.ok(page.body.includes(`/static/${build}/`), 'the page links the build that collectstatic wrote');
  });

  it('tells the app the request came over HTTPS: the session cookie is Secure', async () => {
    const response = await https('/media/private/exports/report%201.csv', { accept: 'text/html' });
    assert.equal(response.status, 302);
    assert.match(String(response.headers.location), /^\/auth\/login-user\?next=/);
    assert.match(String(response.headers['set-cookie']), /nadooit_session=[^;]+;.*Secure/);
  });

  it('serves collected static assets from disk with a year of caching, and falls back to the app', async () => {
    const css = await https(assetUrl('bootstrap/css/bootstrap.min.css'), { 'accept-encoding': 'gzip' });
    assert.equal(css.status, 200);
    assert.equal(css.headers['content-encoding'], 'gzip');
    assert.equal(css.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(css.headers['content-security-policy'], undefined, 'served by nginx, not the app');
    const disk = await https(assetUrl('app/only-on-disk.txt'));
    assert.equal(disk.body.toString(), 'from disk');
    const missing = await https(`/static/${build}/app/not-collected.js`);
    assert.equal(missing.status, 404);
    assert.ok(missing.headers['content-security-policy'], 'a file missing on disk is asked of the app');
  });

  it('serves public media with HLS content types and caching (playlists revalidated), but no dotfiles', async () => {
    const playlist = await https('/media/hls/clip_480p/index.m3u8');
    assert.equal(playlist.status, 200);
    assert.equal(playlist.headers['content-type'], 'application/vnd.apple.mpegurl');
    assert.equal(playlist.headers['cache-control'], 'no-cache', 'a master playlist grows as renditions are published');
    assert.equal(playlist.headers['content-security-policy'], MEDIA_CSP);
    assert.equal((await https('/media/hls/clip_480p/.hidden.m3u8')).status, 404);
    const segment = await https('/media/hls/clip_480p/seg0.ts');
    assert.equal(segment.headers['cache-control'], 'max-age=2592000');
    assert.equal(segment.headers['content-type'], 'video/mp2t');
    assert.equal(segment.body.length, 1880);
    assert.equal((await https('/media/.env')).status, 404);
    const legacy = await https('/static/media/hls/clip_480p/index.m3u8');
    assert.equal(legacy.status, 301);
    assert.match(String(legacy.headers.location), /\/media\/hls\/clip_480p\/index\.m3u8$/);
  });

  it('delivers a private file only after the app authorised it, through the internal location', async () => {
    assert.equal((await https('/media/private/exports/report%201.csv', { accept: 'application/json' })).status, 403);
    assert.equal((await https('/_private_media/exports/report%201.csv')).status, 404, 'internal location is not reachable');
    const url = signedPrivateMediaUrl({ secretKey: SECRET_KEY }, 'exports/report 1.csv', 300);
    const granted = await https(url);
    assert.equal(granted.status, 200);
    assert.equal(granted.body.toString(), 'kunde;minuten\nA;42\n');
    assert.equal(granted.headers['cache-control'], 'private, no-cache');
    assert.equal(granted.headers['x-accel-redirect'], undefined);
    assert.equal(granted.headers['content-security-policy'], MEDIA_CSP, 'delivered by nginx, not by the app');
  });

  it('redirects HTTP to the canonical HTTPS origin, except ACME challenges', async () => {
    const redirect = await request({ port: ports.http, path: '/nadooit-os/?tab=1' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.location, `https://${DOMAIN}:${ports.https}/nadooit-os/?tab=1`);
    const www = await request({ port: ports.http, path: '/x', host: `www.${DOMAIN}` });
    assert.equal(www.headers.location, `https://${DOMAIN}:${ports.https}/x`);
    const challenge = await request({ port: ports.http, path: '/.well-known/acme-challenge/token-123' });
    assert.equal(challenge.status, 200);
    assert.equal(challenge.body.toString(), 'token-123.thumbprint');
  });

  it('limits request bodies, except on the admin upload routes', async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const headers = { 'content-type': 'application/octet-stream' };
    const refused = await https('/api/anything', headers, { method: 'POST', body });
    assert.equal(refused.status, 413);
    assert.equal(refused.headers['content-security-policy'], undefined, 'refused by nginx');
    const upload = await https('/admin/upload', headers, { method: 'POST', body });
    assert.ok(upload.headers['content-security-policy'], `the admin route reached the app (status ${upload.status})`);
  });

  it('picks up a replaced certificate by itself, without restarting nginx', async () => {
    const before = await servedSerial(ports.https);
    selfSignedLineage(path.join(root, 'letsencrypt'), DOMAIN, [DOMAIN]);
    openUp(path.join(root, 'letsencrypt'));
    const after = await waitFor('the new certificate', async () => {
      const serial = await servedSerial(ports.https);
      return serial !== before ? serial : undefined;
    });
    assert.notEqual(after, before);
    assert.equal(Number(readFileSync(path.join(root, 'run', 'nginx.pid'), 'utf8')), nginxPid, 'same nginx master');
  });
});
