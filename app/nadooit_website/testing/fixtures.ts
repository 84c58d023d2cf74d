import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { DB } from '../../core/db/connection.js';
import type { SignalOptionType } from '../models.js';
import { categoryIdsByName, createOrder, createPlugin, createSection, setSectionCategories, setSectionSignals } from '../services/content.js';

/** A section with signals and categories, in one call (tests only). */
export async function section(db: DB, name: string, options: { html?: string; signals?: SignalOptionType[]; categories?: string[] } = {}): Promise<string> {
  const id = await createSection(db, { name, html: options.html ?? `<section><h2>${name}</h2></section>` });
  if (options.signals) await setSectionSignals(db, id, options.signals);
  if (options.categories) await setSectionCategories(db, id, await categoryIdsByName(db, options.categories));
  return id;
}

export async function order(db: DB, name: string, sectionIds: string[], options: { active?: boolean; plugins?: Array<{ name: string; html: string }> } = {}): Promise<string> {
  const pluginIds: string[] = [];
  for (const plugin of options.plugins ?? []) pluginIds.push(await createPlugin(db, plugin));
  return createOrder(db, { name, isActive: options.active ?? true, sectionIds, pluginIds });
}

export interface Visit {
  response: LightMyRequestResponse;
  sessionId: string;
  token: string;
}

/** GET / as a browser would, returning the session id and signal token the page carries. */
export async function visit(app: FastifyInstance, headers: Record<string, string> = {}): Promise<Visit> {
  const response = await app.inject({ method: 'GET', url: '/', headers: { host: 'localhost', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0', ...headers } });
  const sessionId = /data-session-id="([^"]+)"/.exec(response.body)?.[1] ?? '';
  const token = /data-signal-token="([^"]+)"/.exec(response.body)?.[1] ?? '';
  return { response, sessionId, token };
}

/** A signal as website.js sends it. */
export function sendSignal(app: FastifyInstance, path: string, token: string | null, payload: unknown = {}, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: path,
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    headers: {
      host: 'localhost',
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0',
      ...(token ? { 'x-signal-token': token } : {}),
      ...headers,
    },
  });
}
