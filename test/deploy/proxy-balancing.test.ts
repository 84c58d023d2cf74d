import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Process } from './support.js';
import { freePort, proxyEnv, renderForApps, request, start, waitFor } from './support.js';
import type { Response } from './support.js';

/** An app process stand-in: answers at once, or holds every request while it is stalled. */
class AppProcess {
  private server: http.Server | null = null;
  private readonly held: ServerResponse[] = [];
  stalled = false;
  arrived = 0;

  constructor(readonly port: number) {}

  async listen(): Promise<void> {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.arrived += 1;
        if (this.stalled) this.held.push(res);
        else res.end(String(this.port));
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  resume(): void {
    this.stalled = false;
    for (const res of this.held.splice(0)) res.end(String(this.port));
  }

  async close(): Promise<void> {
    this.resume();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('nginx hands a request to the app process with the fewest requests in flight (rendered upstream, two processes, loopback)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'nadooit-balancing-'));
  let proxy: Process;
  let stuck: AppProcess;
  let free: AppProcess;
  let httpPort = 0;
  const viaNginx = (i: number) => request({ port: httpPort, path: `/api/executions?i=${i}`, method: 'POST', body: `run ${i}`, headers: { 'content-type': 'text/plain' } });
  const arrivals = () => stuck.arrived + free.arrived;
  /** Sends one request and returns once an app process has it, with its answer still to come. */
  const send = async (i: number): Promise<{ answer: Promise<Response> }> => {
    const before = arrivals();
    const answer = viaNginx(i);
    await waitFor(`request ${i} at an app process`, async () => (arrivals() > before ? true : undefined));
    return { answer };
  };

  before(async () => {
    const ports = { http: await freePort(), https: await freePort(), app: 0 };
    httpPort = ports.http;
    stuck = new AppProcess(await freePort());
    free = new AppProcess(await freePort());
    await Promise.all([stuck.listen(), free.listen()]);
    const conf = path.join(root, 'nginx');
    mkdirSync(path.join(root, 'www'), { recursive: true });
    const env = proxyEnv(root, ports, { FORCE_HTTP: '1' });
    renderForApps(conf, env, [stuck.port, free.port]);
    proxy = start('nginx', ['-p', root, '-c', path.join(conf, 'nginx.conf'), '-g', 'daemon off;'], env);
    await waitFor('nginx', async () => ((await request({ port: httpPort, path: '/ready', method: 'GET' })).status === 200 ? true : undefined)).catch((error) => {
      throw new Error(`${error}\n${proxy.output()}`);
    });
  });

  after(async () => {
    await proxy?.stop();
    await stuck?.close();
    await free?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('sends nothing more to a process that holds a request while the other one is free', async () => {
    stuck.stalled = true;
    const stuckBefore = stuck.arrived;
    // Until the stalled process holds a request (with none in flight, nginx takes turns).
    let held: Promise<Response> | undefined;
    for (let i = 0; !held; i += 1) {
      assert.ok(i < 10, 'no request reached the stalled process');
      const { answer } = await send(i);
      if (stuck.arrived > stuckBefore) held = answer;
      else assert.equal((await answer).status, 200);
    }
    const freeBefore = free.arrived;
    for (let i = 0; i < 12; i += 1) {
      const { answer } = await send(100 + i);
      assert.equal(stuck.arrived - stuckBefore, 1, `request ${i + 1} after the held one went to the stalled process too`);
      const response = await answer;
      assert.equal(response.status, 200);
      assert.equal(response.body.toString(), String(free.port));
    }
    assert.equal(free.arrived - freeBefore, 12);
    stuck.resume();
    assert.equal((await held).status, 200);
  });
});
