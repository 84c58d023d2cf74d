import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DOMAIN, PROXY_DIR, proxyEnv, run, selfSignedLineage } from './support.js';

const ports = { http: 18080, https: 18443, app: 18000 };

/** Renders into <root>/nginx with the given certificates present, then asks nginx itself. */
function renderAndCheck(root: string, extra: Record<string, string> = {}): { mode: string; file(name: string): string } {
  const env = proxyEnv(root, ports, extra);
  const mode = run('sh', [path.join(PROXY_DIR, 'render.sh')], env).trim();
  const conf = path.join(root, 'nginx');
  run('nginx', ['-t', '-q', '-e', 'stderr', '-c', path.join(conf, 'nginx.conf')], env);
  return { mode, file: (name) => readFileSync(path.join(conf, name), 'utf8') };
}

describe('nginx templates (rendered with envsubst, checked with nginx -t)', () => {
  const roots: string[] = [];
  const fresh = () => {
    const root = mkdtempSync(path.join(tmpdir(), 'nadooit-proxy-'));
    roots.push(root);
    return root;
  };
  after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  it('renders HTTP-only mode without a certificate: ACME webroot plus the app, no TLS', () => {
    const { mode, file } = renderAndCheck(fresh());
    assert.equal(mode, 'http');
    const site = file('conf.d/site.conf');
    assert.doesNotMatch(site, /ssl/);
    assert.match(site, /include snippets\/acme\.conf;\s+include snippets\/app-locations\.conf;/);
    assert.equal(file('snippets/hsts.conf'), '');
    assert.match(file('snippets/acme.conf'), /location \^~ \/\.well-known\/acme-challenge\//);
    // nginx variables survive envsubst; only our placeholders are replaced.
    assert.match(file('snippets/proxy-app.conf'), /proxy_set_header X-Forwarded-Proto \$scheme;/);
    assert.match(file('snippets/app-locations.conf'), /set \$app_upstream http:\/\/app_servers;/);
    assert.match(file('conf.d/app-upstream.conf'), /upstream app_servers \{[^}]*server 127\.0\.0\.1:18000;[^}]*keepalive 64;/);
    assert.doesNotMatch(file('nginx.conf') + file('snippets/app-locations.conf') + file('conf.d/app-upstream.conf'), /\$\{[A-Z_]+\}/);
  });

  it('renders TLS mode for an apex-only certificate and leaves www out instead of failing', () => {
    const root = fresh();
    selfSignedLineage(path.join(root, 'letsencrypt'), DOMAIN, [DOMAIN]);
    const { mode, file } = renderAndCheck(root);
    assert.equal(mode, 'tls');
    const site = file('conf.d/site.conf');
    assert.match(site, /listen 127\.0\.0\.1:18443 ssl http2 default_server;/);
    assert.match(site, /return 301 https:\/\/nadooit\.test:18443\$request_uri;/);
    assert.match(file('snippets/hsts.conf'), /Strict-Transport-Security "max-age=31536000; includeSubDomains" always/);
    assert.match(file('snippets/tls-params.conf'), /ssl_protocols TLSv1\.2 TLSv1\.3;/);
    assert.throws(() => file('conf.d/site-www.conf'), /ENOENT/);
    assert.equal(file('snippets/stapling.conf'), '', 'no OCSP responder in the certificate, so no stapling');
  });

  it('serves www over TLS when the apex certificate covers it, or from a www lineage of the original layout', () => {
    const both = fresh();
    selfSignedLineage(path.join(both, 'letsencrypt'), DOMAIN, [DOMAIN, `www.${DOMAIN}`]);
    const shared = renderAndCheck(both);
    assert.match(shared.file('conf.d/site-www.conf'), new RegExp(`ssl_certificate ${both}/letsencrypt/live/${DOMAIN}/fullchain\\.pem;`));

    const separate = fresh();
    selfSignedLineage(path.join(separate, 'letsencrypt'), DOMAIN, [DOMAIN]);
    selfSignedLineage(path.join(separate, 'letsencrypt'), `www.${DOMAIN}`, [`www.${DOMAIN}`]);
    const legacy = renderAndCheck(separate);
    assert.match(legacy.file('conf.d/site-www.conf'), new RegExp(`live/www\\.${DOMAIN}/fullchain\\.pem;`));
    assert.match(legacy.file('conf.d/site-www.conf'), /server_name www\.nadooit\.test;\s+/);
  });

  it('staples OCSP when the certificate names a responder, unless switched off', () => {
    const root = fresh();
    const dir = path.join(root, 'letsencrypt', 'live', DOMAIN);
    selfSignedLineage(path.join(root, 'letsencrypt'), DOMAIN, [DOMAIN]);
    run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${DOMAIN}`,
      '-addext', `subjectAltName=DNS:${DOMAIN}`, '-addext', 'authorityInfoAccess=OCSP;URI:http://ocsp.example.invalid',
      '-keyout', path.join(dir, 'privkey.pem'), '-out', path.join(dir, 'fullchain.pem'),
    ]);
    writeFileSync(path.join(dir, 'chain.pem'), readFileSync(path.join(dir, 'fullchain.pem')));
    const on = renderAndCheck(root);
    assert.match(on.file('snippets/stapling.conf'), new RegExp(`ssl_stapling on;[\\s\\S]*ssl_trusted_certificate ${dir}/chain\\.pem;`));
    assert.equal(renderAndCheck(root, { OCSP_STAPLING: 'off' }).file('snippets/stapling.conf'), '');
  });

  it('follows the app containers by name with kept-open connections where nginx can, per request where it is older than 1.27.3', () => {
    // Only the rendering is checked here: the nginx of the test machine may be too old for `resolve`.
    const renderWith = (nginxVersion: string, appHost: string) => {
      const root = fresh();
      const bin = path.join(root, 'bin');
      mkdirSync(bin);
      writeFileSync(path.join(bin, 'nginx'), `#!/bin/sh\necho "nginx version: nginx/${nginxVersion}" >&2\n`, { mode: 0o755 });
      const env = proxyEnv(root, ports, { APP_HOST: appHost, PATH: `${bin}:${process.env.PATH}` });
      run('sh', [path.join(PROXY_DIR, 'render.sh')], env);
      const conf = path.join(root, 'nginx');
      const upstream = path.join(conf, 'conf.d', 'app-upstream.conf');
      return {
        locations: readFileSync(path.join(conf, 'snippets', 'app-locations.conf'), 'utf8'),
        upstream: existsSync(upstream) ? readFileSync(upstream, 'utf8') : null,
      };
    };
    for (const version of ['1.28.0', '1.27.3', '1.29.10']) {
      const current = renderWith(version, 'app');
      assert.match(current.upstream ?? '', /zone app_servers 64k;\s+least_conn;\s+server app:18000 resolve;\s+keepalive 64;/, version);
      assert.match(current.locations, /set \$app_upstream http:\/\/app_servers;/);
    }
    for (const version of ['1.27.2', '1.22.1', '1.9.15']) {
      const older = renderWith(version, 'app');
      assert.equal(older.upstream, null, version);
      assert.match(older.locations, /set \$app_upstream http:\/\/app:18000;/);
    }
    assert.match(renderWith('1.22.1', '[::1]').upstream ?? '', /server \[::1\]:18000;/);
  });

  it('keeps large bodies to the admin upload routes and private media behind an internal location', () => {
    const { file } = renderAndCheck(fresh(), { CLIENT_MAX_BODY_SIZE: '5m', UPLOAD_MAX_BODY_SIZE: '3g' });
    assert.match(file('nginx.conf'), /client_max_body_size 5m;/);
    const locations = file('snippets/app-locations.conf');
    assert.equal(locations.match(/client_max_body_size 3g;/g)?.length, 2);
    assert.match(locations, /location \^~ \/admin\/ \{\s+client_max_body_size 3g;/);
    assert.match(locations, /location \^~ \/_private_media\/ \{\s+internal;/);
  });
});
