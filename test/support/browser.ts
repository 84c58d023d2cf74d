import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { after, before } from 'node:test';
import type { FastifyInstance, FastifyListenOptions } from 'fastify';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';

/**
 * Browser tests: the system Chromium driven by playwright-core (never `playwright install`), against the
 * real app listening on 127.0.0.1. See /work/shared/ENVIRONMENT.md for why each flag is there.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * The browser keeps the real clock: scripts/test-at-midnight.sh shifts the test process's clock with
 * libfaketime (LD_PRELOAD), under which Chromium stalls; dates are the server's business anyway.
 */
function browserEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== 'LD_PRELOAD' && !key.startsWith('FAKETIME')) env[key] = value;
  }
  return env;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, env: browserEnv() });
}

/** One Chromium for the test file: launched before its tests, closed after them. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is used outside a test');
    return browser;
  };
}

/** Listening sockets bound by reserveOrigin, waiting for serve() to take them over (by port). */
const reserved = new Map<number, Server>();

/**
 * A port and its origin, known before the app is built: WebAuthn binds keys to the origin, so
 * WEBAUTHN_ORIGIN must name the port the server will listen on. The port is bound here and stays bound
 * until serve(app, port) hands the very socket to the app, so no other process can take it in between.
 * Reserve in a before hook or a harness settings function, not at import. `http://localhost` is a secure
 * context.
 */
export async function reserveOrigin(): Promise<{ port: number; origin: string }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  server.unref(); // a reservation that is never served does not keep the test process alive
  const { port } = server.address() as AddressInfo;
  reserved.set(port, server);
  return { port, origin: `http://localhost:${port}` };
}

/** Starts the app on 127.0.0.1 (on the socket reserveOrigin bound for `port`, else on `port` or a random one) and returns the origin to browse. */
export async function serve(app: FastifyInstance, port = 0): Promise<string> {
  const socket = reserved.get(port);
  if (socket) {
    reserved.delete(port);
    // Node's listen() accepts the bound handle of another server; the app's server takes it over.
    const handle = (socket as unknown as { _handle: unknown })._handle;
    await app.listen({ host: '127.0.0.1', handle } as FastifyListenOptions);
    app.server.ref();
  } else {
    await app.listen({ host: '127.0.0.1', port });
  }
  return `http://localhost:${(app.server.address() as AddressInfo).port}`;
}

/**
 * A fresh browser profile, German unless told otherwise, with 15 s timeouts. `__name` is defined in every
 * page because tsx compiles named inner functions into `__name(...)` calls that page.evaluate would ship.
 */
export async function newContext(browser: Browser, options: BrowserContextOptions): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'de-DE', ...options });
  context.setDefaultTimeout(15_000);
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  return context;
}

/** Gives the page a CDP virtual authenticator: one security key with resident keys and user verification. */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

/**
 * Everything the page reports as broken, collected while the test runs: uncaught script errors and console
 * errors (CSP violations are among them). With `origin`, also failed requests and requests leaving it.
 */
export function watchProblems(page: Page, options: { origin?: string } = {}): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()} (${message.location().url})`);
  });
  const { origin } = options;
  if (origin) {
    // A request the page cancels itself (hls.js dropping a segment when the viewer switches quality, a
    // navigation away) fails with net::ERR_ABORTED; that is the page working, not something broken.
    page.on('requestfailed', (request) => {
      const reason = request.failure()?.errorText ?? '';
      if (reason !== 'net::ERR_ABORTED') problems.push(`failed: ${request.url()} (${reason})`);
    });
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(`${origin}/`) && !url.startsWith('data:')) problems.push(`external: ${url}`);
    });
  }
  return problems;
}

/** A phone's window (390 px, the width of today's common models). */
export const PHONE = { width: 390, height: 844 };

/**
 * What scrolls sideways on the page as it is now: the page itself when it is wider than the window, and every
 * table in a scroll box (.table-responsive) that is wider inside than outside. Empty when nothing does.
 */
export async function sidewaysScroll(page: Page): Promise<string[]> {
  const { scrollWidth, innerWidth, boxes } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    boxes: Array.from(document.querySelectorAll('.table-responsive'))
      .filter((box) => box.scrollWidth > box.clientWidth + 1)
      .map((box) => `${box.querySelector('table')?.id || box.querySelector('table')?.className || 'table'} ${box.scrollWidth} px in ${box.clientWidth} px`),
  }));
  return [...(scrollWidth > innerWidth ? [`page ${scrollWidth} px > ${innerWidth} px`] : []), ...boxes];
}
