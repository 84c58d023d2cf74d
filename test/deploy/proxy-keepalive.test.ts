import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Process } from './support.js';
import { PROXY_DIR, freePort, openUp, proxyEnv, request, start, waitFor } from './support.js';

/** An app stand-in that remembers over which connection each request came. */
class CountingApp {
  private server: http.Server | null = null;
  readonly connections = new Set<Socket>();
  requests = 0;

  constructor(readonly port: number) {}

  async listen(): Promise<void> {
    const server = http.createServer((req, res) => {
      this.requests += 1;
      req.resume();
      req.on('end', () => res.end(`${req.method} ${req.url}`));
    });
    server.keepAliveTimeout = 72_000;
    server.on('connection', (socket) => this.connections.add(socket));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  /** As the app's graceful shutdown does: no new connections, idle kept-open ones closed. */
  async close(): Promise<void> {
    const server = this.server!;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
  }

  get address(): AddressInfo | null {
    return this.server?.address() as AddressInfo | null;
  }
}

describe('nginx keeps its connections to the app open (rendered upstream with keepalive, loopback)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'nadooit-keepalive-'));
  let proxy: Process;
  let app: CountingApp;
  let httpPort = 0;
  const viaNginx = (method: string, p: string, body?: string) =>
    request({ port: httpPort, path: p, method, ...(body === undefined ? {} : { body, headers: { 'content-type': 'text/plain' } }) });

  before(async () => {
    const ports = { http: await freePort(), https: await freePort(), app: await freePort() };
    httpPort = ports.http;
    app = new CountingApp(ports.app);
    await app.listen();
    openUp(root);
    proxy = start('sh', [path.join(PROXY_DIR, 'entrypoint.sh')], proxyEnv(root, ports, { FORCE_HTTP: '1', CERT_POLL_SECONDS: '60' }));
    await waitFor('nginx', async () => ((await viaNginx('GET', '/ready')).status === 200 ? true : undefined)).catch((error) => {
      throw new Error(`${error}\n${proxy.output()}`);
    });
  });

  after(async () => {
    await proxy?.stop();
    if (app?.address) await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('sends one client connection after another over the same few app connections', async () => {
    const [requestsBefore, connectionsBefore] = [app.requests, app.connections.size];
    for (let i = 0; i < 30; i += 1) {
      const response = await viaNginx(i % 2 ? 'POST' : 'GET', `/api/executions?i=${i}`, i % 2 ? `run ${i}` : undefined);
      assert.equal(response.status, 200);
    }
    assert.equal(app.requests - requestsBefore, 30);
    const opened = app.connections.size - connectionsBefore;
    // Each nginx worker keeps its own idle connections: at most one new connection per worker.
    assert.ok(opened <= availableParallelism(), `30 requests opened ${opened} app connections`);
  });

  it('answers after the app restarted and closed the connections nginx kept', async () => {
    await app.close();
    await app.listen();
    for (const [method, body] of [['POST', 'after restart'], ['GET', undefined]] as const) {
      const response = await viaNginx(method, '/after-restart', body);
      assert.equal(response.status, 200, `${method} after the restart: ${response.body.toString()}`);
      assert.equal(response.body.toString(), `${method} /after-restart`);
    }
  });
});
