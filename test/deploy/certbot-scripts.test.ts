import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CERTBOT_DIR } from './support.js';

/**
 * The options certify-init.sh hands to certbot, checked with a stand-in `certbot` that records them
 * (the real issuance runs in acme-e2e.test.ts). A small HTTP server plays the proxy serving the webroot,
 * so the script runs asynchronously (a blocking spawn would stall that server).
 */
const run = promisify(execFile);
describe('certify-init.sh options', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'nadooit-certbot-'));
  const webroot = path.join(root, 'www');
  let proxy: http.Server;
  let proxyUrl = '';

  before(async () => {
    mkdirSync(path.join(root, 'bin'));
    writeFileSync(path.join(root, 'bin', 'certbot'), `#!/bin/sh\necho "$*" > "${root}/args"\n`, { mode: 0o755 });
    proxy = http.createServer((request, response) => {
      try {
        response.end(readFileSync(path.join(webroot, decodeURIComponent(request.url!.split('?')[0]!))));
      } catch {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => proxy.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  async function certifyInit(env: Record<string, string>): Promise<string> {
    rmSync(path.join(root, 'args'), { force: true });
    await run('sh', [path.join(CERTBOT_DIR, 'certify-init.sh')], {
      timeout: 30_000,
      env: {
        PATH: `${path.join(root, 'bin')}:${process.env.PATH}`,
        DOMAIN: 'nadooit.invalid',
        ACME_WEBROOT: webroot,
        PROXY_URL: proxyUrl,
        CERTBOT_CONFIG_DIR: path.join(root, 'le'),
        PROBE_INTERVAL: '0',
        ...env,
      },
    });
    return readFileSync(path.join(root, 'args'), 'utf8');
  }

  it('production by default: Let\'s Encrypt, the e-mail, apex + www, the deploy hook', async () => {
    const args = await certifyInit({ ACME_DEFAULT_EMAIL: 'ops@example.org', ACME_INCLUDE_WWW: 'yes' });
    assert.match(args, /^certonly --webroot -w \S+\/www --cert-name nadooit\.invalid -d nadooit\.invalid -d www\.nadooit\.invalid --email ops@example\.org /);
    assert.doesNotMatch(args, /--staging|--server/);
    assert.match(args, /--config-dir \S+\/le /);
    assert.match(args, /--deploy-hook \S+\/docker\/certbot\/deploy-hook\.sh/);
  });

  it('ACME_STAGING=1 uses the staging CA; ACME_SERVER wins over it', async () => {
    assert.match(await certifyInit({ ACME_STAGING: '1' }), / --staging /);
    const custom = await certifyInit({ ACME_STAGING: '1', ACME_SERVER: 'https://acme.example.org/dir' });
    assert.match(custom, / --server https:\/\/acme\.example\.org\/dir /);
    assert.doesNotMatch(custom, /--staging/);
  });

  it('without an e-mail it registers without one; www only when wanted or resolvable', async () => {
    const args = await certifyInit({ ACME_INCLUDE_WWW: 'no' });
    assert.match(args, /--register-unsafely-without-email/);
    assert.doesNotMatch(args, /www\./);
    assert.doesNotMatch(await certifyInit({ ACME_INCLUDE_WWW: 'auto' }), /www\.nadooit\.invalid/, '.invalid never resolves');
  });

  it('gives up with a clear message when the proxy does not serve the webroot', async () => {
    const failure = await run('sh', [path.join(CERTBOT_DIR, 'certify-init.sh')], {
      env: { PATH: process.env.PATH, DOMAIN: 'nadooit.invalid', ACME_WEBROOT: webroot, PROXY_URL: 'http://127.0.0.1:9', PROBE_ATTEMPTS: '2', PROBE_INTERVAL: '0' },
    }).then(
      () => assert.fail('expected a failure'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failure.code, 1);
    assert.match(failure.stderr, /does not serve .* for nadooit\.invalid; is the proxy running\?/);
  });
});
