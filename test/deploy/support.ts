import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
export const PROXY_DIR = path.join(REPO, 'docker', 'proxy');
export const CERTBOT_DIR = path.join(REPO, 'docker', 'certbot');
export const DOMAIN = 'nadooit.test';
export const SECRET_KEY = 'deploy-test-secret-0123456789abcdefghijklmnopqrstuvwxyz';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value (not undefined) or the time is up. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await sleep(100);
  }
}

/** nginx workers drop to an unprivileged user when the test runs as root: let them read the tree. */
export function openUp(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    const info = statSync(full);
    if (info.isDirectory()) openUp(full);
    else if (!entry.includes('key')) chmodSync(full, 0o644);
  }
}

export interface Process {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts a long-running program; its output is kept for error messages; stop() ends it (and waits). */
export function start(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = REPO): Process {
  // Its own process group, so stop() also ends what it started (nginx workers, the certificate watcher).
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      /* already gone */
    }
  };
  return {
    child,
    output: () => output,
    async stop() {
      const running = child.exitCode === null && child.signalCode === null;
      signalGroup('SIGTERM');
      if (running) {
        const timer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Runs a program to completion; throws with its output when it fails. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 120_000): string {
  const result = spawnSync(command, args, { env, cwd: REPO, encoding: 'utf8', timeout: timeoutMs });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface RequestOptions {
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** HTTPS with SNI = host; `ca` verifies the certificate for real. */
  tls?: { ca?: string | Buffer };
  host?: string;
}

/** One raw request to 127.0.0.1 with a chosen Host header (no redirects followed, body kept as bytes). */
export function request(options: RequestOptions): Promise<Response> {
  const host = options.host ?? DOMAIN;
  return new Promise((resolve, reject) => {
    const base = {
      host: '127.0.0.1',
      port: options.port,
      path: options.path,
      method: options.method ?? 'GET',
      headers: { host: `${host}:${options.port}`, ...options.headers },
      agent: false as const,
    };
    const onResponse = (response: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    };
    const req = options.tls
      ? https.request({ ...base, servername: host, ca: options.tls.ca, rejectUnauthorized: Boolean(options.tls.ca) }, onResponse)
      : http.request(base, onResponse);
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`request ${options.path} timed out`)));
    req.end(options.body);
  });
}

/** The serial number of the certificate a TLS server presents for `servername`. */
export function servedSerial(port: number, servername = DOMAIN): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.end();
      resolve(serial);
    });
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error('TLS handshake timed out')));
  });
}

/** A self-signed certificate laid out like certbot's live/<name>/ folder. */
export function selfSignedLineage(letsencryptDir: string, name: string, hosts: string[]): string {
  const dir = path.join(letsencryptDir, 'live', name);
  mkdirSync(dir, { recursive: true });
  run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', `/CN=${hosts[0]}`, '-addext', `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}`,
    '-keyout', path.join(dir, 'privkey.pem'), '-out', path.join(dir, 'fullchain.pem'),
  ]);
  return dir;
}

/** The environment render.sh / entrypoint.sh / watch-certs.sh read, pointing at a test folder. */
export function proxyEnv(root: string, ports: { http: number; https: number; app: number }, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    DOMAIN,
    APP_HOST: '127.0.0.1',
    APP_PORT: String(ports.app),
    HTTP_LISTEN: `127.0.0.1:${ports.http}`,
    HTTPS_LISTEN: `127.0.0.1:${ports.https}`,
    CANONICAL_ORIGIN: `https://${DOMAIN}:${ports.https}`,
    LETSENCRYPT_DIR: path.join(root, 'letsencrypt'),
    ACME_WEBROOT: path.join(root, 'www'),
    WEB_ROOT: path.join(root, 'web'),
    NGINX_CONF_DIR: path.join(root, 'nginx'),
    NGINX_RUN_DIR: path.join(root, 'run'),
    NGINX_RESOLVER: '127.0.0.1',
    ACCESS_LOG: path.join(root, 'access.log'),
    ERROR_LOG: 'stderr',
    ...extra,
  };
}

/**
 * render.sh's configuration (`env` as for render.sh) in `conf`, its upstream naming every one of `appPorts` on
 * loopback: what compose's DNS hands nginx for a scaled `app`, which a test cannot serve.
 */
export function renderForApps(conf: string, env: NodeJS.ProcessEnv, appPorts: readonly number[]): void {
  execFileSync('sh', [path.join(PROXY_DIR, 'render.sh'), conf], { env: { ...env, APP_HOST: '127.0.0.1', APP_PORT: String(appPorts[0]) } });
  const upstream = path.join(conf, 'conf.d', 'app-upstream.conf');
  const rendered = readFileSync(upstream, 'utf8');
  const serverLine = (port: number) => `    server 127.0.0.1:${port};\n`;
  if (!rendered.includes(serverLine(appPorts[0]!))) throw new Error(`render.sh no longer names the app as "${serverLine(appPorts[0]!).trim()}" in ${upstream}`);
  writeFileSync(upstream, rendered.replace(serverLine(appPorts[0]!), appPorts.map(serverLine).join('')));
}

/** The app as production starts it (`npm start`), on loopback behind the proxy. */
export function startApp(root: string, port: number): Process {
  return start(process.execPath, ['--import', 'tsx', 'app/nadooit/main.ts', 'start'], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DEBUG: '0',
    SECRET_KEY,
    TRUST_PROXY: '1',
    HOST: '127.0.0.1',
    PORT: String(port),
    DOMAIN,
    ALLOWED_HOSTS: `${DOMAIN},www.${DOMAIN}`,
    DATA_DIR: path.join(root, 'data'),
    STATIC_ROOT: path.join(root, 'web', 'static'),
    MEDIA_ROOT: path.join(root, 'web', 'media'),
    DATABASE_URL: `sqlite:${path.join(root, 'data', 'db.sqlite3')}`,
    REDIS_URL: '',
    CELERY_BROKER_URL: '',
    LOG_LEVEL: 'warn',
  });
}
