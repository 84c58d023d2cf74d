import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Process } from './support.js';
import { CERTBOT_DIR, DOMAIN, PROXY_DIR, freePort, openUp, proxyEnv, request, run, servedSerial, start, startApp, waitFor } from './support.js';

/** A throwaway CA and a certificate for pebble's own HTTPS endpoint (the Debian package ships none). */
function pebbleTls(dir: string): { ca: string; cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  const f = (name: string) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('openssl', ['req', '-x509', ...ec, '-days', '2', '-subj', '/CN=pebble test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-keyout', f('ca.key'), '-out', f('ca.pem')]);
  run('openssl', ['req', ...ec, '-subj', '/CN=localhost', '-keyout', f('key.pem'), '-out', f('csr.pem')]);
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run('openssl', ['x509', '-req', '-in', f('csr.pem'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f('ext.cnf'), '-out', f('cert.pem')]);
  return { ca: f('ca.pem'), cert: f('cert.pem'), key: f('key.pem') };
}

function servedCertificate(port: number): Promise<tls.PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: DOMAIN, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate());
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('certificates from an ACME server (pebble) through the proxy webroot, with live reload', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'nadooit-e2e-acme-'));
  const processes: Process[] = [];
  let ports: Record<'http' | 'https' | 'app' | 'acme' | 'acmeManagement' | 'dns' | 'dnsManagement' | 'tlsAlpn', number>;
  let certbotEnv: NodeJS.ProcessEnv;
  let nginxPid = 0;
  const pid = () => Number(readFileSync(path.join(root, 'run', 'nginx.pid'), 'utf8'));

  before(async () => {
    ports = {
      http: await freePort(), https: await freePort(), app: await freePort(), acme: await freePort(),
      acmeManagement: await freePort(), dns: await freePort(), dnsManagement: await freePort(), tlsAlpn: await freePort(),
    };
    const pebble = pebbleTls(path.join(root, 'pebble'));
    writeFileSync(
      path.join(root, 'pebble', 'config.json'),
      JSON.stringify({
        pebble: {
          listenAddress: `127.0.0.1:${ports.acme}`,
          managementListenAddress: `127.0.0.1:${ports.acmeManagement}`,
          certificate: pebble.cert,
          privateKey: pebble.key,
          // pebble validates http-01 on this port: the proxy's HTTP listener, so the webroot is used for real.
          httpPort: ports.http,
          tlsPort: ports.tlsAlpn,
          ocspResponderURL: '',
          externalAccountBindingRequired: false,
        },
      }),
    );
    // A tiny DNS server that answers 127.0.0.1 for every name (nadooit.test, www.nadooit.test).
    processes.push(
      start('pebble-challtestsrv', [
        '-defaultIPv4', '127.0.0.1', '-defaultIPv6', '', '-dns01', `127.0.0.1:${ports.dns}`, '-http01', '', '-https01', '',
        '-tlsalpn01', '', '-management', `127.0.0.1:${ports.dnsManagement}`,
      ], { PATH: process.env.PATH }),
    );
    const acme = start('pebble', ['-config', path.join(root, 'pebble', 'config.json'), '-dnsserver', `127.0.0.1:${ports.dns}`, '-strict=false'], {
      PATH: process.env.PATH,
      PEBBLE_VA_NOSLEEP: '1',
      PEBBLE_WFE_NONCEREJECT: '0',
    });
    processes.push(acme);

    mkdirSync(path.join(root, 'www'), { recursive: true });
    mkdirSync(path.join(root, 'web', 'static'), { recursive: true });
    const app = startApp(root, ports.app);
    processes.push(app);
    openUp(root);
    processes.push(start('sh', [path.join(PROXY_DIR, 'entrypoint.sh')], proxyEnv(root, ports, { CERT_POLL_SECONDS: '1' })));
    await waitFor('the app behind the proxy', async () => ((await request({ port: ports.http, path: '/healthz' })).status === 200 ? true : undefined), 30_000)
      .catch((error) => {
        throw new Error(`${error}\n${app.output()}`);
      });
    await waitFor('pebble', async () => (/Pebble running|ACME directory available/.test(acme.output()) ? true : undefined));
    nginxPid = pid();

    certbotEnv = {
      PATH: process.env.PATH,
      HOME: root,
      DOMAIN,
      CERTBOT_CONFIG_DIR: path.join(root, 'letsencrypt'),
      CERTBOT_WORK_DIR: path.join(root, 'certbot-work'),
      CERTBOT_LOGS_DIR: path.join(root, 'certbot-logs'),
      ACME_WEBROOT: path.join(root, 'www'),
      ACME_SERVER: `https://127.0.0.1:${ports.acme}/dir`,
      ACME_DEFAULT_EMAIL: 'ops@example.org',
      ACME_INCLUDE_WWW: 'yes',
      PROXY_URL: `http://127.0.0.1:${ports.http}`,
      PROXY_GID: '0',
      REQUESTS_CA_BUNDLE: pebble.ca,
    };
  });

  after(async () => {
    for (const p of processes.reverse()) await p.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the site over plain HTTP before any certificate exists', async () => {
    const home = await request({ port: ports.http, path: '/', headers: { accept: 'text/html' } });
    assert.equal(home.status, 200);
    assert.match(home.body.toString(), /NADOO-IT/);
    await assert.rejects(servedSerial(ports.https), 'nothing listens for TLS yet');
  });

  it('issues apex + www in one certificate with certbot via the webroot; the proxy switches to HTTPS by itself', async () => {
    const output = run('sh', [path.join(CERTBOT_DIR, 'certify-init.sh')], certbotEnv, 180_000);
    assert.match(output, /certificate for nadooit\.test/);
    const certificate = await waitFor('HTTPS with the issued certificate', async () => servedCertificate(ports.https));
    assert.match(String(certificate.issuer.CN), /Pebble/i);
    assert.match(certificate.subjectaltname ?? '', /DNS:nadooit\.test/);
    assert.match(certificate.subjectaltname ?? '', /DNS:www\.nadooit\.test/);
    assert.equal(pid(), nginxPid, 'reloaded, not restarted');

    // Old workers finish their connections after a reload, so the switch on port 80 is awaited too.
    const redirect = await waitFor('port 80 redirecting', async () => {
      const response = await request({ port: ports.http, path: '/login' });
      return response.status === 301 ? response : undefined;
    });
    assert.equal(redirect.headers.location, `https://${DOMAIN}:${ports.https}/login`);
    const www = await servedSerial(ports.https, `www.${DOMAIN}`);
    assert.equal(www, certificate.serialNumber, 'www is served from the same certificate');
  });

  it('renews (forced) and the proxy serves the new certificate without a restart', async () => {
    const before = await servedSerial(ports.https);
    run('sh', [path.join(CERTBOT_DIR, 'renew.sh'), '--force-renewal'], certbotEnv, 180_000);
    const renewed = await waitFor('the renewed certificate', async () => {
      const serial = await servedSerial(ports.https);
      return serial !== before ? serial : undefined;
    });
    assert.notEqual(renewed, before);
    assert.equal(pid(), nginxPid, 'same nginx master process');
    const lineage = readFileSync(path.join(root, 'letsencrypt', 'renewal', `${DOMAIN}.conf`), 'utf8');
    assert.match(lineage, /renew_hook = .*deploy-hook\.sh/);
  });
});
