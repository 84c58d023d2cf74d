import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DB } from '../../core/db/connection.js';
import type { Settings } from '../../core/config.js';
import { SESSION_COOKIE } from '../../core/http/sessions.js';
import { randomToken, sha256Hex } from '../../core/http/tokens.js';
import { TestClient } from '../../../test/support/http.js';

/** Inserts a logged-in session for `userId` (as the login would) and returns its cookie token. */
export async function sessionFor(db: DB, settings: Settings, userId: string, data: Record<string, unknown> = {}): Promise<string> {
  const token = randomToken(32);
  const now = new Date();
  await db
    .insertInto('core_sessions')
    .values({
      id: randomUUID(),
      token_hash: sha256Hex(token),
      user_id: userId,
      data: JSON.stringify(data),
      ip: '127.0.0.1',
      user_agent: 'nadooit-os-test',
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + settings.sessionMaxSeconds * 1000).toISOString(),
    })
    .execute();
  return token;
}

/** A TestClient that is logged in as `userId` (cookie set before the first request). */
export async function clientAs(app: FastifyInstance, db: DB, settings: Settings, userId: string): Promise<TestClient> {
  const client = new TestClient(app);
  const token = await sessionFor(db, settings, userId);
  (Reflect.get(client, 'cookies') as Map<string, string>).set(SESSION_COOKIE, token);
  await client.get('/nadooit-os/hr/my-profile'); // picks up the CSRF token like a browser
  return client;
}
