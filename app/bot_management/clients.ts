import { Api, GrammyError, HttpError as GrammyHttpError } from 'grammy';
import { autoRetry } from '@grammyjs/auto-retry';
import type { Settings } from '../core/config.js';
import type { BotPlatformsTable } from './models.js';
import { TokenDecryptionError, decryptToken, tokenKey } from './secrets.js';
import { RetryAfterError } from './sender.js';
import { botSettings } from './settings.js';

/** What a send returned: the platform's message id (and the chat it went to). */
export interface SentMessage {
  messageId: string;
  date: string;
  text: string | null;
  caption: string | null;
  photo?: Array<{ file_id: string; file_unique_id: string; file_size?: number; width: number; height: number }>;
}

export interface SendOptions {
  parseMode?: 'HTML' | 'MarkdownV2';
  replyMarkup?: unknown;
}

/** The outbound calls a bot makes, the same for every platform (a platform may refuse one it lacks). */
export interface PlatformClient {
  sendMessage(chat: string, text: string, options?: SendOptions): Promise<SentMessage>;
  sendPhoto(chat: string, photo: string, options?: SendOptions & { caption?: string }): Promise<SentMessage>;
  editMessageText(chat: string, messageId: string, text: string, options?: SendOptions): Promise<void>;
  editMessageCaption(chat: string, messageId: string, caption: string, options?: SendOptions): Promise<void>;
  editMessageReplyMarkup(chat: string, messageId: string, replyMarkup: unknown): Promise<void>;
}

export class UnsupportedOnPlatform extends Error {}

/** True when the platform certainly did not carry out the call (it answered with an error): safe to try again. */
export function certainlyNotSent(error: unknown): boolean {
  if (error instanceof GrammyError) return true;
  if (error instanceof WhatsAppError) return true;
  if (error instanceof RetryAfterError) return true;
  // refused before any request was made (no or unreadable token, a platform that cannot do it)
  return error instanceof UnsupportedOnPlatform || error instanceof TokenDecryptionError;
}

type PlatformRow = Pick<BotPlatformsTable, 'id' | 'platform' | 'access_token_enc' | 'phone_number_id'>;

export function accessToken(settings: Settings, platform: Pick<BotPlatformsTable, 'access_token_enc'>): string {
  if (!platform.access_token_enc) throw new UnsupportedOnPlatform('this bot platform has no access token');
  return decryptToken(tokenKey(settings), platform.access_token_enc);
}

/**
 * grammY's Api on the configured root. auto-retry retries Telegram's 5xx; a 429 is NOT retried here
 * (maxDelaySeconds 0 hands it on) but by the bot's sender, which pauses the whole bot. Network errors are
 * not retried either: whether the message went out is unknown, and a resend could double it.
 */
export function telegramApi(settings: Settings, token: string): Api {
  const api = new Api(token, { apiRoot: botSettings(settings).telegramApiRoot, timeoutSeconds: 30 });
  api.config.use(autoRetry({ maxDelaySeconds: 0, maxRetryAttempts: 3, rethrowHttpErrors: true }));
  return api;
}

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();
const chatId = (chat: string) => (/^-?\d+$/.test(chat) ? Number(chat) : chat);

function telegramClient(api: Api): PlatformClient {
  const parse = (options?: SendOptions) => ({
    ...(options?.parseMode ? { parse_mode: options.parseMode } : {}),
    ...(options?.replyMarkup ? { reply_markup: options.replyMarkup as never } : {}),
  });
  const sent = (m: { message_id: number; date: number; text?: string; caption?: string; photo?: SentMessage['photo'] }): SentMessage => ({
    messageId: String(m.message_id),
    date: iso(m.date),
    text: m.text ?? null,
    caption: m.caption ?? null,
    photo: m.photo,
  });
  return {
    async sendMessage(chat, text, options) {
      return sent(await api.sendMessage(chatId(chat), text, parse(options)));
    },
    async sendPhoto(chat, photo, options) {
      return sent(await api.sendPhoto(chatId(chat), photo, { ...parse(options), ...(options?.caption ? { caption: options.caption } : {}) }));
    },
    async editMessageText(chat, messageId, text, options) {
      await api.editMessageText(chatId(chat), Number(messageId), text, parse(options));
    },
    async editMessageCaption(chat, messageId, caption, options) {
      await api.editMessageCaption(chatId(chat), Number(messageId), { caption, ...parse(options) });
    },
    async editMessageReplyMarkup(chat, messageId, replyMarkup) {
      await api.editMessageReplyMarkup(chatId(chat), Number(messageId), { reply_markup: replyMarkup as never });
    },
  };
}

export class WhatsAppError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** WhatsApp Cloud API: POST <graph root>/<phone number id>/messages with the access token. */
function whatsappClient(settings: Settings, token: string, phoneNumberId: string): PlatformClient {
  const root = botSettings(settings).whatsappGraphApiRoot;
  async function post(body: Record<string, unknown>): Promise<SentMessage> {
    let response: Response;
    try {
      response = await fetch(`${root}/${encodeURIComponent(phoneNumberId)}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', ...body }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new GrammyHttpError('WhatsApp Graph API unreachable', error);
    }
    const json = (await response.json().catch(() => ({}))) as { messages?: Array<{ id: string }>; error?: { message?: string } };
    if (response.status === 429) throw new RetryAfterError(Number(response.headers.get('retry-after') ?? 1) || 1);
    if (!response.ok || !json.messages?.[0]?.id) throw new WhatsAppError(response.status, json.error?.message ?? `Graph API answered ${response.status}`);
    return { messageId: json.messages[0].id, date: new Date().toISOString(), text: typeof body.text === 'object' ? String((body.text as { body: string }).body) : null, caption: null };
  }
  const refuse = (what: string) => async () => {
    throw new UnsupportedOnPlatform(`WhatsApp cannot ${what}`);
  };
  return {
    sendMessage: (chat, text) => post({ to: chat, type: 'text', text: { body: text } }),
    sendPhoto: (chat, photo, options) => post({ to: chat, type: 'image', image: { link: photo, ...(options?.caption ? { caption: options.caption } : {}) } }),
    editMessageText: refuse('edit messages'),
    editMessageCaption: refuse('edit messages'),
    editMessageReplyMarkup: refuse('edit messages'),
  };
}

const clients = new Map<string, { token: string; client: PlatformClient }>();

/** The client of a platform row (cached per process until its token changes). */
export function clientFor(settings: Settings, platform: PlatformRow): PlatformClient {
  const cached = clients.get(platform.id);
  if (cached && cached.token === platform.access_token_enc) return cached.client;
  const token = accessToken(settings, platform);
  let client: PlatformClient;
  if (platform.platform === 'telegram') client = telegramClient(telegramApi(settings, token));
  else if (platform.platform === 'whatsapp' && platform.phone_number_id) client = whatsappClient(settings, token, platform.phone_number_id);
  else throw new UnsupportedOnPlatform(`sending is not implemented for ${platform.platform}${platform.platform === 'whatsapp' ? ' without a phone number id' : ''}`);
  clients.set(platform.id, { token: platform.access_token_enc!, client });
  return client;
}
