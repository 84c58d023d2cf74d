import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Layout } from '../../app/core/ui/layout.js';
import { pageContext } from '../../app/core/ui/page-context.js';
import { newContext, serve, useBrowser, watchProblems } from './browser.js';
import { describeEachBackend } from './harness.js';

const routes = (app: FastifyInstance) => {
  app.get('/__test/clean', async (request, reply) => reply.html(<Layout ctx={await pageContext(request)} title="clean">clean</Layout>));
  app.get('/__test/broken', async (_request, reply) =>
    reply.html('<!doctype html><html><head><title>x</title></head><body><script>document.title = "inline";</script><img src="/__test/missing.png" alt=""></body></html>'),
  );
};

const browser = useBrowser();

describeEachBackend(
  'browser test support',
  (h) => {
    it('reports CSP violations and failed loads, and nothing on a clean page (no favicon 404 either)', async () => {
      const origin = await serve(await h().app());
      const context = await newContext(browser(), { baseURL: origin });
      const page = await context.newPage();
      const problems = watchProblems(page, { origin });
      await page.goto('/__test/clean', { waitUntil: 'networkidle' });
      assert.equal(await page.evaluate(() => typeof (globalThis as { __name?: unknown }).__name), 'function');
      assert.equal(problems.length, 0, problems.join('\n'));

      await page.goto('/__test/broken', { waitUntil: 'networkidle' });
      assert.ok(problems.some((p) => /Content Security Policy/.test(p)), problems.join('\n'));
      assert.ok(problems.some((p) => /404/.test(p) && p.includes('/__test/missing.png')), problems.join('\n'));
      await context.close();
    });
  },
  { routes },
);
