import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../core/app-module.js';
import { startWorker } from '../../core/queue/index.js';
import type { Worker } from '../../core/queue/index.js';
import type { TaskDefinition } from '../../core/queue/types.js';
import { createCustomer } from '../../nadooit_crm/services.js';
import { hubSignature } from '../secrets.js';
import { createBot, createPlatform } from '../services.js';

export interface TestBot {
  botId: string;
  platformId: string;
  registerId: string;
  token: string;
  secret: string;
  appSecret: string;
  phoneNumberId: string;
}

let counter = 0;

/** A customer with a bot running the given code on one platform, with a known webhook secret. */
export async function makeBot(context: AppContext, name: string, platform: 'telegram' | 'whatsapp' = 'telegram'): Promise<TestBot> {
  const customer = await createCustomer(context.db.kysely, { name: `Bot customer ${++counter} ${randomBytes(3).toString('hex')}` });
  const botId = await createBot(context.db.kysely, { name: `${name} ${counter} ${randomBytes(3).toString('hex')}`, code: name, customerId: customer.id });
  const token = `${100000 + counter}:${randomBytes(12).toString('hex')}`;
  const secret = randomBytes(16).toString('hex');
  const appSecret = randomBytes(16).toString('hex');
  const phoneNumberId = String(5550000 + counter);
  const { id, registerId } = await createPlatform(context.db.kysely, context.settings, {
    botId,
    platform,
    accessToken: token,
    appSecret: platform === 'whatsapp' ? appSecret : null,
    phoneNumberId: platform === 'whatsapp' ? phoneNumberId : null,
    secret,
  });
  return { botId, platformId: id, registerId, token, secret, appSecret, phoneNumberId };
}

/** A unique bot name (the name column is unique; tests register their own bot code under it). */
export const botName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

let updateId = 1_000_000;
export const nextUpdateId = () => ++updateId;

type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

/** A Telegram update with a message (text, caption or voice) in a chat of the given type. */
export function tgUpdate(input: {
  chatId: number;
  text?: string;
  type?: ChatType;
  kind?: 'message' | 'edited_message' | 'channel_post' | 'edited_channel_post';
  messageId?: number;
  updateId?: number;
  voice?: { file_id: string; file_unique_id: string; duration: number };
  photoCaption?: string;
}): Record<string, unknown> {
  const type = input.type ?? 'private';
  const chat =
    type === 'private'
      ? { id: input.chatId, type, first_name: 'Ada', last_name: 'L' }
      : { id: input.chatId, type, title: `${type} chat`, ...(type === 'group' ? { all_members_are_administrators: true } : {}) };
  const message: Record<string, unknown> = {
    message_id: input.messageId ?? Math.floor(Math.random() * 1e9),
    date: 1_700_000_000,
    chat,
    ...(type === 'channel' ? {} : { from: { id: input.chatId > 0 ? input.chatId : 4242, is_bot: false, first_name: 'Ada', language_code: 'de' } }),
    ...(input.text !== undefined ? { text: input.text } : {}),
    ...(input.voice ? { voice: { ...input.voice, mime_type: 'audio/ogg' } } : {}),
    ...(input.photoCaption !== undefined
      ? { caption: input.photoCaption, photo: [{ file_id: 'small', file_unique_id: 's1', width: 90, height: 90 }, { file_id: 'big', file_unique_id: 'b1', width: 800, height: 800, file_size: 1234 }] }
      : {}),
    ...(input.kind?.startsWith('edited') ? { edit_date: 1_700_000_100 } : {}),
  };
  return { update_id: input.updateId ?? nextUpdateId(), [input.kind ?? (type === 'channel' ? 'channel_post' : 'message')]: message };
}

/** A WhatsApp Cloud API webhook body with messages and/or statuses, and its signature header. */
export function waBody(
  phoneNumberId: string,
  appSecret: string,
  parts: { messages?: Array<{ from: string; id: string; text: string; timestamp?: number }>; statuses?: Array<{ id: string; status: string }> },
): { payload: string; signature: string } {
  const value: Record<string, unknown> = { messaging_product: 'whatsapp', metadata: { display_phone_number: '4930000', phone_number_id: phoneNumberId } };
  if (parts.messages) {
    value.contacts = parts.messages.map((m) => ({ wa_id: m.from, profile: { name: 'Grace' } }));
    value.messages = parts.messages.map((m) => ({ from: m.from, id: m.id, timestamp: String(m.timestamp ?? 1_700_000_000), type: 'text', text: { body: m.text } }));
  }
  if (parts.statuses) value.statuses = parts.statuses.map((s) => ({ ...s, timestamp: '1700000000', recipient_id: '49151' }));
  const payload = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'waba', changes: [{ field: 'messages', value }] }] });
  return { payload, signature: hubSignature(appSecret, payload) };
}

/** Runs the installed apps' tasks in this process (the db queue's worker), as `npm run worker` does. */
export async function startTestWorker(context: AppContext, tasks: TaskDefinition<any>[]): Promise<Worker> {
  return startWorker(context.queue, tasks, [], { concurrency: 4, log: context.log });
}
