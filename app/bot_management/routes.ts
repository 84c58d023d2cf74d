import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../core/app-module.js';
import { HttpError } from '../core/http/errors.js';
import { storeUpdate, webhookPlatform } from './inbox.js';
import type { PlatformKind } from './models.js';
import { TokenDecryptionError, decryptToken, hubSignatureValid, secretMatches, tokenKey } from './secrets.js';
import { isTelegramUpdate, telegramEntry } from './telegram.js';
import { applyDeliveryStatus, parseWhatsApp } from './whatsapp.js';

interface WebhookParams {
  registerId: string;
}

async function platformOf(context: AppContext, kind: PlatformKind, registerId: string) {
  const row = await webhookPlatform(context.db.kysely, kind, registerId);
  if (!row) throw new HttpError(404, 'unknown_bot', 'Unknown bot');
  return row;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid JSON');
  }
}

/** The WhatsApp app secret; a stored value the current key cannot read is a configuration fault (503), not a 500. */
function readAppSecret(context: AppContext, stored: string): string {
  try {
    return decryptToken(tokenKey(context.settings), stored);
  } catch (error) {
    if (!(error instanceof TokenDecryptionError)) throw error;
    context.log.error('bot webhook: the stored WhatsApp app secret cannot be decrypted; enter it again in the admin');
    throw new HttpError(503, 'bot_credentials_unreadable', 'The bot credentials cannot be read; an administrator must enter them again');
  }
}

const ok = (reply: FastifyReply) => reply.code(200).type('application/json').send('{"ok":true}');

/**
 * The webhooks under /bot/: they authenticate the platform (secret header, signature), store what came in
 * and answer at once; everything else happens in the worker. No CSRF (platforms have no session), and the
 * body is kept raw: the WhatsApp signature is over the exact bytes.
 */
export function botRoutes(app: FastifyInstance, context: AppContext): void {
  void app.register(
    async (scope) => {
      scope.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), csrf: false };
      });
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

      scope.post<{ Params: WebhookParams }>('/telegram/webhook/:registerId', async (request, reply) => {
        const platform = await platformOf(context, 'telegram', request.params.registerId);
        const header = request.headers['x-telegram-bot-api-secret-token'];
        if (!secretMatches(typeof header === 'string' ? header : undefined, platform.secret_token_hash)) {
          throw new HttpError(401, 'invalid_secret_token', 'Missing or wrong X-Telegram-Bot-Api-Secret-Token');
        }
        const update = Buffer.isBuffer(request.body) ? parseJson(request.body) : undefined;
        if (!isTelegramUpdate(update)) throw new HttpError(400, 'invalid_update', 'Expected a Telegram update (an object with update_id)');
        await storeUpdate(context, platform.id, telegramEntry(update));
        return ok(reply);
      });

      scope.get<{ Params: WebhookParams; Querystring: Record<string, string | undefined> }>('/whatsapp/webhook/:registerId', async (request, reply) => {
        const platform = await platformOf(context, 'whatsapp', request.params.registerId);
        const query = request.query;
        if (query['hub.mode'] !== 'subscribe' || !secretMatches(query['hub.verify_token'], platform.secret_token_hash)) {
          throw new HttpError(403, 'invalid_verify_token', 'Missing or wrong hub.verify_token');
        }
        return reply.code(200).type('text/plain; charset=utf-8').send(String(query['hub.challenge'] ?? ''));
      });

      scope.post<{ Params: WebhookParams }>('/whatsapp/webhook/:registerId', async (request, reply) => {
        const platform = await platformOf(context, 'whatsapp', request.params.registerId);
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const header = request.headers['x-hub-signature-256'];
        const appSecret = platform.app_secret_enc ? readAppSecret(context, platform.app_secret_enc) : null;
        if (!appSecret || !hubSignatureValid(appSecret, raw, typeof header === 'string' ? header : undefined)) {
          throw new HttpError(401, 'invalid_signature', 'Missing or wrong X-Hub-Signature-256');
        }
        const parsed = parseWhatsApp(parseJson(raw));
        if (!parsed) throw new HttpError(400, 'invalid_payload', 'Expected a WhatsApp Cloud API webhook body');
        for (const entry of parsed.entries) await storeUpdate(context, platform.id, entry);
        for (const status of parsed.statuses) await applyDeliveryStatus(context.db.kysely, platform.id, status);
        return ok(reply);
      });
    },
    { prefix: '/bot' },
  );
}
